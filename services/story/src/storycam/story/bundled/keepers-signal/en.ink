# slug: keepers-signal
# language: en
# title: The Keeper's Signal
# description: The keeper of Skerry Light vanished a week ago. Tonight you keep the lamp alone, and something out at sea is signalling to the tower. It knows her name. It does not know yours.
# tier: premium
# cover: cover.png

VAR clock = 0
VAR lamp_lit = false
VAR log_read = false
VAR knows_code = false
VAR has_flare = false
VAR radio_contact = false
VAR orla_found = false
VAR described = false

-> arrival

=== arrival ===
The supply boat noses against the landing stage of Skerry Light just as the sun goes into the sea. Tomas, the boatman, does not tie up.
"Orla kept this light eleven years," he says, handing up the last crate. "Last Tuesday the lamp went dark and she was gone. Door open, kettle on the stove. The company says you're to keep it lit till they decide."
The wind is rising. He is already pushing off.
* [Ask what he thinks happened to Orla]
    Tomas looks past you at the tower. "Orla knew these rocks better than the gulls. She didn't fall." He hesitates. "Don't answer any lights you don't know, keeper." Then the engine coughs and he is gone.
    -> tower
* [Ask about the weather]
    "Blow all night. Clear by morning." He squints at the horizon. "The boats that come out in weather like this aren't fishing." Then the engine coughs and he is gone.
    -> tower
* [Say nothing and carry the crates up]
    You lift the first crate. By the time you look up, the boat is a grey shape going into greyer water.
    -> tower

=== tower ===
{clock >= 6: -> night}
{not described:
    ~ described = true
    The keeper's house is one round room at the foot of the tower: a stove, a table, a bunk, and a spiral stair going up into the dark. Orla's oilskin still hangs by the door. Her log lies open on the table.
- else:
    The stove ticks as it cools. {~Outside, the wind tries the door again.|Somewhere above you, the stair creaks on its own.|The window has gone from grey to black.|Gulls shout somewhere out on the rocks.}
}
* [Read Orla's log on the table] -> log
* [Search the store room] -> store
+ [Climb to the lamp room] -> lamp
+ [Try the radio] -> radio
* {log_read} [Cross the rocks to the old fog-signal house] -> foghouse
+ {clock >= 2} [Sit by the window and wait for full dark] -> night

= log
~ clock++
~ log_read = true
The log is in a small, upright hand. Weather, ships, the state of the lamp. Then, three weeks ago, something else.
"Lights at sea again, north-east, where no ship has any business. Not a ship's lights. A signal: three long, two short. They want the tower to answer."
"Answered once, to see. A boat came in on the high tide and men asked for 'the keeper who helps.' I am not that keeper."
The last entry is a week old. "They know. If the tower goes dark, I am where the horn used to sing."
* [Copy down the signal she describes]
    ~ knows_code = true
    Three long, two short. You write it on the back of your hand, the way you used to write phone numbers.
    -> tower
* [Close the log]
    You close it gently, as if she might want it back.
    -> tower

= store
~ clock++
The store room is cold and smells of paraffin. Spare wicks, tins of biscuits, a coil of rope, and in a tin box with a red cross on it, a flare pistol and three cartridges.
* [Take the flare pistol]
    ~ has_flare = true
    It is heavier than you expected. You load it and put it in your coat pocket.
    -> tower
* [Take a tin of biscuits and a lantern]
    You are, after all, going to be up all night.
    -> tower
* [Leave everything where it is]
    -> tower

=== lamp ===
~ clock++
{lamp == 1:
    One hundred and twelve steps. The lamp room is all glass and brass, the great lens standing in the middle like a bell of ice. From up here the whole sea is visible, and none of it is friendly.
- else:
    The lamp room again. The glass hums in the wind.
}
* {not lamp_lit} [Light the lamp]
    ~ lamp_lit = true
    You prime the burner the way the company manual says, and the mantle catches, and the lens takes the small flame and throws it eighteen miles. The beam begins to turn.
    -> lamp_done
* [Look out to sea through the glass]
    North-east, far out, something pale moves on the water and then is gone. A wave, probably.
    -> lamp_done
+ [Go back down]
    -> tower

= lamp_done
+ [Go back down] -> tower

=== radio ===
~ clock++
{radio == 1:
    The radio is older than you are: dials, valves, a brass key for Morse. It warms up slowly, filling the room with the sound of the whole sea talking at once.
- else:
    The valves glow orange. Static, and under it, the sea.
}
* [Call the coastguard at Harwick]
    "Skerry Light to Harwick coastguard." Static. Then a woman's voice, very far away: "Harwick. Go ahead, Skerry."
    You tell her: the missing keeper, the lights in the log. "Understood. We have a cutter out. Call us if you see those lights, and don't go near them."
    ~ radio_contact = true
    -> tower
* [Call the supply boat and ask Tomas about the lights]
    Tomas answers on the third try. "North-east? That's the wreckers' old channel. My grandad's stories." A long pause. "If you see them, keeper, you call Harwick, not me."
    -> tower
+ [Switch it off]
    The room goes quiet except for the wind.
    -> tower

=== foghouse ===
~ clock++
The fog-signal house stands on the far rocks, reached by a causeway the tide covers twice a day. The great horn on its roof has been silent for thirty years.
Inside, someone has been living. A blanket, a camping stove, tins, and a chart of the north-east channel with pencil crosses on it.
* [Call Orla's name] -> orla
* [Study the chart]
    The crosses are dated. Each one a night the lights came, and beside the last one, in her upright hand: "Cutter due Thursday. Keep the tower dark till then."
    Today is Thursday.
    -> tower
* [Go back before the tide covers the causeway]
    The water is already at your ankles by the time you reach the tower.
    -> tower

=== orla ===
~ orla_found = true
For a long moment there is only the wind. Then a voice from the dark behind the horn: "You're the relief keeper."
Orla is older than you imagined, and very tired, with a boat hook across her knees.
"They bring cargo in on a false light and let the real ships find the rocks. I wouldn't help them, so they came for me. I've been waiting for the cutter."
* [Ask her to come back to the tower with you]
    "Not yet. If they see two of us, they'll know." She grips your arm. "When they signal, let me answer them. I know what to say."
    -> tower
* [Tell her you've called Harwick] 
    {radio_contact: She lets out a breath she seems to have been holding for a week. "Then we only have to last the night." | She shakes her head. "Then call them. The radio's in the house. Go."}
    -> tower
* [Ask why she didn't just leave on the supply boat]
    "Because then there'd be nobody to keep the light," she says, as if it were obvious.
    -> tower

=== night ===
# image: signal.png
Full dark. The wind has dropped, the way it does before it changes its mind.
{lamp_lit: Your beam sweeps the sea, and on its third turn something answers it.|The tower is dark, and out in that dark something is looking for it.}
North-east, low on the water, a light: three long, two short. Then again. Three long, two short.
* {knows_code} [Answer with the signal from Orla's log] -> landing
* {radio_contact} [Radio Harwick: "The lights are here"] -> coastguard
* {has_flare} [Fire a flare into the sky] -> flare
* [Keep the lamp burning and answer nothing] -> ending_keeper
* [Take the dinghy out towards the light] -> ending_lost

=== landing ===
The signal stops. Twenty minutes later a long low boat grinds onto the landing stage, and three men climb up onto the rocks with lanterns.
"Evening, keeper," the first one calls. "We're expected."
* {orla_found} [Let Orla answer them, as she asked] -> ending_rescue
* [Hide in the lamp room and wait for dawn] -> ending_smugglers
* {has_flare} [Fire the flare straight at their boat] -> flare

=== coastguard ===
"Harwick, Skerry. The lights are here. North-east, low on the water."
"Understood, Skerry. Cutter is eight minutes out. Stay inside."
Eight minutes is a long time. Then a searchlight opens like an eye across the channel, and a loudhailer, and the false light goes out.
{orla_found: -> ending_rescue | -> ending_mainland}

=== flare ===
The flare goes up with a crack and bursts red over the whole channel, lighting every rock and every wave and a long low boat where no boat should be.
The false light goes out at once. Engines. Someone shouting.
* [Fire the second cartridge after them]
    The second flare falls hissing into their wake. Across the water, very far off, another searchlight answers it.
    -> ending_dawn
* [Watch them run for open sea]
    You watch the boat until the red light dies and the dark closes over it.
    -> ending_dawn

=== ending_rescue ===
# ending: rescue: Two Keepers
{landing: Orla steps out of the shadow of the tower before the men can reach the door, and says something to them in a low, flat voice. They are still arguing with her when the searchlight of the Harwick cutter finds them.|By the time the cutter has the boat in its searchlight, Orla has crossed the causeway in the dark and is standing beside you at the top of the tower, watching.}
In the morning, Tomas brings the supply boat in early. He looks at the two of you on the landing stage for a long time before he says anything.
"Company'll want to know which of you is the keeper," he says at last.
"Both," says Orla.
THE END.
-> END

=== ending_dawn ===
# ending: dawn: Red Sky at Night
By dawn the channel is empty. A fishing boat out of Harwick finds a long low hull aground on the north rocks, abandoned, full of crates with no names on them.
Orla walks into the keeper's house at noon, wet to the knees, and puts the kettle on as if she had never left.
"Red sky at night," she says. "That was you?"
THE END.
-> END

=== ending_keeper ===
# ending: keeper: The Light Keeps
You keep the lamp turning all night and answer nothing. Around three the other light gives up and goes out.
Ships pass all night, far out, safe in the channel. You never learn what the light wanted, or where Orla went.
When the company writes to ask if you'll stay on, you find that you already have.
THE END.
-> END

=== ending_smugglers ===
# ending: smugglers: Hiding in the Light
You sit with your back to the great lens and listen to them below: doors, crates, laughter, the stove lid.
At first light the boat is gone, and so is the store room, and so is the radio.
Nobody ever finds out what they carried in, or what became of the keeper who would not help them.
THE END.
-> END

=== ending_lost ===
# ending: lost: The Other Light
The dinghy is light and the sea is heavy. You row towards the signal for what feels like an hour and it is never any closer.
When you turn to look for the tower, you cannot find it either.
In the morning Tomas finds Skerry Light dark again, a kettle cold on the stove, and the log open on the table, with two keepers in it now.
THE END.
-> END

=== ending_mainland ===
# ending: mainland: The Morning Boat
The cutter takes the boat and three men before midnight. In the morning the Harwick papers call it the end of the wreckers of the north-east channel.
Nobody finds Orla. You leave on the morning boat, and from the stern you watch the tower until it is a white pin on a grey sea, still turning.
THE END.
-> END
