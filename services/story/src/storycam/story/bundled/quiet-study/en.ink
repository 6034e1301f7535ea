# slug: quiet-study
# language: en
# title: The Quiet Study
# description: A cartographer lies dead in his locked study. The police say his heart gave out. You have one evening before the house is sealed: search the room, question the household, name the killer.
# tier: free
# cover: cover.png

VAR hour = 0
VAR evidence = 0
VAR seen_book = false
VAR seen_tea = false
VAR seen_letter = false
VAR seen_ledger = false
VAR seen_window = false
VAR agnes_saw_felix = false
VAR felix_lied = false
VAR mira_inherits = false
VAR forgeries = false
VAR described = false

-> arrival

=== arrival ===
# image: study.png
Rain has followed you all the way to Lantern Row. Number nine is the narrow house with every curtain drawn and a single lit window on the second floor.
Mira Lenz opens the door before you knock. She is young, pale, and holding a telegram she has clearly read a hundred times.
"My uncle Viktor died last night in his study," she says. "The door was locked from the inside. The doctor says his heart simply stopped. The police agree. At midnight they seal the house for the lawyers."
She looks at the clock in the hall. It is eight.
"I don't believe his heart stopped. I think someone stopped it. Four hours. Will you look?"
* [Ask why she doubts the doctor]
    "Because Uncle Viktor walked eight miles every Sunday and argued with me about it," she says. "And because last week he told me he had found out something that would 'make a certain person very unhappy.' He wouldn't say who."
    She hands you the study key. "The police broke the lock. I had it mended."
    -> study
* [Ask who else is in the house]
    "Agnes Pell, our housekeeper. She has been with us twenty years. And Felix Roth, Uncle's secretary. He's packing: Uncle gave him notice on Monday." She hesitates. "And me, of course."
    She hands you the study key.
    -> study
* [Take the key and go straight up]
    You hold out your hand. She puts the key in it without another word.
    -> study

=== study ===
{hour >= 8: -> inspector}
{not described:
    ~ described = true
    The study is small and warm and smells of pipe smoke and cold tea. Maps cover every wall: coastlines, river deltas, a harbour drawn so finely you can count the boats.
    A heavy book lies open on the desk beside a cup with a dark ring of dregs. The fire has burned down to grey ash. The window is shut.
- else:
    You are back in the study. {~The rain taps at the window.|The clock on the mantel ticks louder than it should.|One of the maps has curled away from its pin.|The cold tea still sits on the desk.}
}
* [Read the book open on the desk] -> book
* [Look at the teacup] -> tea
* [Search the fireplace] -> fireplace
* [Try the desk drawer] -> drawer
* [Check the window] -> window
+ [Go down to the kitchen to talk to the housekeeper] -> agnes
+ [Find the secretary in the library] -> felix
+ [Talk to Mira in the drawing room] -> mira
* {seen_ledger} [Unlock the little door behind the maps] -> map_room
+ {hour >= 3} [You have seen enough. Gather everyone and name the killer] -> accusation
+ {hour >= 4} [Tell Mira it was his heart after all, and leave] -> ending_natural

= book
~ hour++
~ seen_book = true
~ evidence++
It is not an atlas. It is "A Herbal of the Northern Coast", open at a careful engraving of a tall plant with bells of purple flowers. Foxglove. The caption says that a few leaves steeped in tea slow the heart, and a few more stop it.
On the margin, beside the word "stop", is a small smudge of green ink. Viktor's own notes, everywhere else in the book, are in black.
-> study

= tea
~ hour++
~ seen_tea = true
~ evidence++
The cup is bone china, rimmed with gold. In the dregs lie a few fragments of leaf, too large and too green for any tea you know. The smell is bitter, like cut stems.
Someone made his last cup of tea interesting.
-> study

= fireplace
~ hour++
~ seen_letter = true
~ evidence++
# image: fireplace.png
Most of the ash is paper. You sift it with the poker and find one corner that did not burn: heavy cream stationery, a crest of the Royal Geographic Society, and half a line in Viktor's black hand:
"...regret to inform the Society that the copies sold under my name were not drawn by me, and that the..."
The rest is ash.
-> study

= drawer
~ hour++
~ seen_ledger = true
~ evidence++
The drawer sticks, then gives. Under a stack of unpaid bills lies a thin ledger: sales of maps, dates, prices, a dealer in Hamburg. Every sale in the last year is initialled "F.R." in green ink.
Tucked into the back cover is a small brass key that fits no lock in this room that you can see.
-> study

= window
~ hour++
~ seen_window = true
The window is latched from the inside, and the latch is stiff with old paint that nobody has cracked in years. The sill outside is wet and unmarked.
Whoever killed Viktor Lenz did not climb in. They walked in through the door, and he let them.
-> study

=== agnes ===
# ai: Agnes Pell, about sixty, housekeeper of the Lenz house for twenty years, speaking in a kitchen at night. Loyal, frightened and guilt-ridden: at ten o'clock she brewed the professor's evening tea as always and left the tray on the landing. She saw the secretary, Felix Roth, carry the tray into the study, and she noticed a fresh green ink stain on his shirt cuff. She knows nothing about maps, forgeries or letters. She is fond of Mira. She distrusts the police and will only name Felix if the detective is kind and patient with her.
~ hour++
{agnes == 1:
    Agnes Pell is scrubbing a pan that is already clean. She is a small, square woman with flour in the lines of her hands, and she does not look up when you come in.
    "I made his tea," she says to the pan. "I make it every night. If there was something wrong with it, then it was me that killed him."
- else:
    Agnes looks up from the stove and wipes her hands, as if bracing for something.
}
- (questions)
* [Tell her gently that it is not her fault]
    Her hands stop moving. "You don't know that."
    "I know you've made that tea for twenty years," you say. "Whoever did this wanted it to look like you."
    She sits down heavily at the table.
    -> questions
* [Ask what happened to the tray after she made it]
    "I left it on the landing at ten, like always. The professor didn't like to be disturbed." She twists the cloth. "Mr. Roth took it in. I saw him from the stairs. He never takes the tray. Never once in a year."
    ~ agnes_saw_felix = true
    ~ evidence++
    -> questions
* {agnes_saw_felix} [Ask if she noticed anything about Mr. Roth]
    "His cuff," she says slowly. "There was ink on it. Green. He writes with that green pen of his. I thought, that'll never wash out."
    -> questions
* [Ask about Miss Mira]
    "Miss Mira is a good girl. She quarrelled with her uncle, yes, about money, about the house. Families quarrel." Agnes's mouth tightens. "She was in the drawing room all evening. I brought her cocoa at half past nine."
    -> questions
+ [Thank her and go back upstairs]
    "Find who did it," she says to your back. "Please."
    -> study

=== felix ===
~ hour++
{felix == 1:
    Felix Roth is in the library, packing books into crates with great care. He is thin, well-dressed, and very polite. There is a green fountain pen clipped to his waistcoat.
    "A detective. Miss Lenz does love a drama." He smiles. "Ask what you like. I have nothing to hide and a train at seven."
- else:
    Felix looks up from his crates. "Back again? Ask quickly, please. I'm nearly done."
}
- (questions)
* [Ask where he was at ten o'clock]
    "Here. Cataloguing. Alone, I'm afraid, which I realise sounds dreadful." He does not look as if he finds it dreadful.
    -> questions
* [Ask why the professor dismissed him]
    "A difference of opinion about the business side of things. Viktor was a genius and a child about money. I sold his work; he resented that it sold." He shrugs. "It happens."
    -> questions
* {agnes_saw_felix} [Ask why he carried the tea tray in last night]
    For a moment the smile stays exactly where it is, and nothing else on his face moves.
    "I didn't," he says. "Agnes is old and the landing is dark."
    ~ felix_lied = true
    ~ evidence++
    -> questions
* {seen_book} [Ask him whether he knows much about plants]
    "Plants? I can tell a rose from a cabbage." He glances, very briefly, at his own green pen, and then away.
    -> questions
* {seen_letter} [Mention the letter to the Geographic Society]
    "I don't know what you mean." He closes a crate and begins, unnecessarily, to nail it shut.
    -> questions
+ [Leave him to his packing]
    "Good evening," he says, without looking up.
    -> study

=== mira ===
~ hour++
{mira == 1:
    Mira sits in the drawing room with the lamps off, watching the rain. "Well?" she asks. "Was I right?"
- else:
    Mira turns from the window. "Anything?"
}
- (questions)
* [Ask who inherits the house]
    "I do." She says it flatly, as if she has been waiting for the question. "The house, the maps, the debts. Uncle Viktor had more debts than maps. I know how that looks."
    ~ mira_inherits = true
    -> questions
* [Ask what she and her uncle argued about]
    "He wanted to write to the Geographic Society about something. He said it would cost him his reputation but he had to do it. I told him to think of the house." She swallows. "That was the last thing I said to him. Think of the house."
    -> questions
* [Ask what she knows about Felix Roth]
    "Charming. Useful. Uncle trusted him with everything, the sales, the dealers, the post. Then on Monday he gave him a week's notice and wouldn't tell me why."
    -> questions
+ [Go back to the study]
    -> study

=== map_room ===
# premium
~ hour++
The brass key turns in a lock hidden behind a map of the Baltic. Behind it is a room no bigger than a wardrobe, lined with drawers.
Inside the drawers are maps. Dozens of them. They are good, very good, and they are all signed "V. Lenz". But the ink is too fresh, the hand too careful, and every one has been traced from an original that hangs in the study.
On top of the last drawer lies a green fountain pen nib, snapped off as if someone pressed too hard.
~ forgeries = true
~ evidence++
* [Take the nib and the best of the forgeries]
    You fold a forgery into your coat and close the little door behind you.
    -> study
* [Leave everything exactly as it was]
    You lock the little door again. Let the police find it all where it lies.
    -> study

=== inspector ===
The doorbell rings at midnight. Inspector Harrow stands dripping on the step with two constables and the seal for the study door.
"Miss Lenz tells me you have a theory," he says. "You have until I finish my cigarette."
-> accusation

=== accusation ===
Everyone gathers in the study: Mira by the door, Agnes twisting her apron, Felix with his coat over his arm.
"Well?" Mira says.
* [Accuse Agnes Pell, who made the tea] -> ending_housekeeper
* [Accuse Felix Roth, the secretary] -> accuse_felix
* [Accuse Mira Lenz, who inherits the house] -> ending_niece
* [Say the doctor was right: his heart gave out] -> ending_natural

=== accuse_felix ===
"Felix Roth," you say. "You forged his maps, he found out, and he was going to tell the Society. So you put foxglove in his tea."
{
- forgeries && evidence >= 4: -> ending_whole_truth
- evidence >= 3: -> ending_truth
- else: -> ending_escape
}

=== ending_truth ===
# ending: truth: The Green Ink
You lay it out piece by piece: the herbal open at the foxglove, the green ink in its margin, the leaves in the cup, the burnt letter, the tray he swore he never carried.
Felix's smile holds for a long moment. Then, very carefully, he sets down his coat.
"He was going to ruin both of us," he says. "I only ruined one."
Inspector Harrow puts out his cigarette. In the morning the papers call it a tragedy of the heart. Mira tells you they were right, in a way.
THE END.
-> END

=== ending_whole_truth ===
# ending: whole_truth: The Whole Map
You do not just name him. You show them: the foxglove, the cup, the letter, and then the forged maps from the hidden room, each one signed with a dead man's name, and the green nib snapped off in the last drawer.
Felix looks at the forgery in your hand for a long time. "It's a good copy," he says at last. "He never could tell."
Harrow takes him away before the clock strikes one. A month later the Geographic Society prints Viktor Lenz's letter in full, with an apology of its own. Mira sends you a copy, and a map of Lantern Row drawn by her uncle's own hand.
THE END.
-> END

=== ending_escape ===
# ending: escape: Not Enough
Felix laughs, not unkindly. "Green ink and a housekeeper's bad eyesight. Inspector, I have a train to catch."
Harrow looks at you, and then at the clock, and lets him go.
Felix Roth is not on the seven o'clock train, or any other. In the spring a very fine map of Lantern Row, signed "V. Lenz", is sold at auction in Hamburg.
THE END.
-> END

=== ending_housekeeper ===
# ending: housekeeper: The Wrong Hands
Agnes does not argue. She only looks at you as if you have confirmed something she has been telling herself all night.
Harrow takes her gently by the arm. Felix holds the door for them.
The trial is short. The papers call it a servant's mistake. You keep telling yourself you were sure.
THE END.
-> END

=== ending_niece ===
# ending: niece: A Family Matter
Mira goes very still. "I hired you," she says.
"And you inherit," you say.
Harrow writes it all down. There is not enough to charge her, and not enough to clear her, and the house on Lantern Row is sold within the year to pay the debts. Felix Roth leaves on the seven o'clock train and is never asked another question.
THE END.
-> END

=== ending_natural ===
# ending: natural: A Tired Heart
You tell Mira what the doctor told her: a tired heart, a long life, a quiet death.
She nods as if she expected nothing else, and pays you for the evening, and closes the door.
At midnight the police seal the study with everything still in it: the book, the cup, the ash. Whatever it knew, it keeps.
THE END.
-> END
