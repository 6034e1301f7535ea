"""Everything the bot says, in Russian and English. Keys are what the text is for, not where it is used."""

from __future__ import annotations

import re
from typing import Final, Literal

Language = Literal["ru", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("ru", "en")
_RUSSIAN_FIRST: Final = frozenset({"ru", "uk", "be", "kk"})
_PLACEHOLDER: Final = re.compile(r"{(\w+)}")


def language_of(telegram_code: str | None) -> Language:
    """The language to greet a new user in: Russian for the languages of Russian speakers, else English."""
    return "ru" if (telegram_code or "").split("-")[0].lower() in _RUSSIAN_FIRST else "en"


_TEXTS: Final[dict[str, dict[Language, str]]] = {
    "welcome": {
        "ru": (
            "Привет, {name}! Я Storycam.\n\n"
            "📖 <b>Истории</b> — интерактивные сюжеты, где вы решаете, что будет дальше.\n"
            "💋 <b>Kiss Cam</b> — пришлите фото двоих, и я сделаю видео с поцелуем.\n\n"
            "С чего начнём?"
        ),
        "en": (
            "Hi, {name}! I'm Storycam.\n\n"
            "📖 <b>Stories</b> — interactive plots where you decide what happens next.\n"
            "💋 <b>Kiss Cam</b> — send a photo of two people and I'll make a kissing video.\n\n"
            "Where shall we start?"
        ),
    },
    "menu.stories": {"ru": "📖 Истории", "en": "📖 Stories"},
    "menu.kisscam": {"ru": "💋 Kiss Cam", "en": "💋 Kiss Cam"},
    "menu.premium": {"ru": "⭐ Премиум", "en": "⭐ Premium"},
    "menu.help": {"ru": "❓ Помощь", "en": "❓ Help"},
    "help": {
        "ru": (
            "<b>Что я умею</b>\n\n"
            "/stories — интерактивные истории\n"
            "/kisscam — видео с поцелуем по фото\n"
            "/premium — подписка и пакеты кредитов\n"
            "/balance — ваша подписка и кредиты\n"
            "/stats — ваши видео, истории и концовки\n"
            "/payments — история платежей\n"
            "/language — сменить язык\n"
            "/privacy — какие данные я храню\n"
            "/delete_me — удалить все ваши данные\n"
            "/support — связаться с поддержкой"
        ),
        "en": (
            "<b>What I can do</b>\n\n"
            "/stories — interactive stories\n"
            "/kisscam — a kissing video from photos\n"
            "/premium — subscription and credit packs\n"
            "/balance — your subscription and credits\n"
            "/stats — your videos, stories and endings\n"
            "/payments — your payment history\n"
            "/language — change the language\n"
            "/privacy — what data I keep\n"
            "/delete_me — erase all your data\n"
            "/support — contact support"
        ),
    },
    "stories.choose": {"ru": "📖 <b>Выберите историю</b>", "en": "📖 <b>Pick a story</b>"},
    "stories.empty": {
        "ru": "Историй пока нет — мы дописываем первые. Загляните чуть позже!",
        "en": "No stories yet — we're writing the first ones. Check back soon!",
    },
    "stories.unavailable": {
        "ru": "Истории сейчас недоступны. Ваш прогресс сохранён — попробуйте через минуту.",
        "en": "Stories are unavailable right now. Your progress is saved — please try again in a minute.",
    },
    "stories.refused": {
        "ru": "Эту историю сейчас не открыть. Выберите другую: /stories",
        "en": "That story can't be opened right now. Pick another one: /stories",
    },
    "stories.undo": {"ru": "↩️ Назад", "en": "↩️ Undo"},
    "stories.only_en": {"ru": "🇬🇧 только на английском", "en": "🇬🇧 English only"},
    "stories.only_ru": {"ru": "🇷🇺 только на русском", "en": "🇷🇺 Russian only"},
    "stories.again": {"ru": "🔁 Сыграть ещё раз", "en": "🔁 Play again"},
    "stories.other": {"ru": "📚 Другие истории", "en": "📚 Other stories"},
    "stories.ending": {
        "ru": "🏁 <b>{title}</b>\nНайдено концовок: {found} из {total}",
        "en": "🏁 <b>{title}</b>\nEndings found: {found} of {total}",
    },
    "stories.new_ending": {"ru": "✨ Новая концовка!", "en": "✨ A new ending!"},
    "coming.stories": {
        "ru": "📖 Истории скоро будут здесь — мы дописываем последние главы. Загляните чуть позже!",
        "en": "📖 Stories are almost here — we're polishing the last chapters. Check back soon!",
    },
    "premium.offers": {
        "ru": "⭐ <b>Storycam Премиум</b>\n\n{offers}\n\nВыберите, что купить и как оплатить:",
        "en": "⭐ <b>Storycam Premium</b>\n\n{offers}\n\nPick what to buy and how to pay:",
    },
    "premium.offer": {
        "ru": "<b>{title}</b> — {prices}\n{description}",
        "en": "<b>{title}</b> — {prices}\n{description}",
    },
    "premium.offer.or": {"ru": " или ", "en": " or "},
    "premium.none": {
        "ru": "Сейчас купить нечего — мы обновляем витрину. Загляните чуть позже!",
        "en": "There's nothing for sale right now — we're restocking the shelves. Check back soon!",
    },
    "premium.unavailable": {
        "ru": "Оплата сейчас недоступна. Деньги не списаны — попробуйте через минуту: /premium",
        "en": "Payments are unavailable right now. Nothing was charged — please try again in a minute: /premium",
    },
    "premium.refused": {
        "ru": "Эту покупку сейчас не оформить. Выберите другую: /premium",
        "en": "That purchase can't be made right now. Pick another one: /premium",
    },
    "premium.paid_already": {
        "ru": "✅ Эта покупка уже оплачена. Если хотите купить ещё — вот свежие предложения:",
        "en": "✅ This purchase is already paid. If you'd like another one, here are fresh offers:",
    },
    "premium.lapsed": {
        "ru": "Эта оплата не состоялась или устарела. Начнём заново:",
        "en": "That payment didn't go through or has expired. Let's start over:",
    },
    "premium.pay.stars_subscription": {
        "ru": (
            "<b>{title}</b>\n{description}\n\n{price} каждые 30 дней, "
            "продлевается сама. Отменить можно в любой момент: /balance"
        ),
        "en": "<b>{title}</b>\n{description}\n\n{price} every 30 days, renews by itself. Cancel any time: /balance",
    },
    "premium.pay.link": {
        "ru": (
            "<b>{title}</b> — {price}\n\nОплата откроется на защищённой "
            "странице. После оплаты возвращайтесь сюда — я сразу напишу."
        ),
        "en": (
            "<b>{title}</b> — {price}\n\nThe payment opens on a secure "
            "page. Come back here afterwards — I'll message you at once."
        ),
    },
    "premium.button.subscribe": {"ru": "⭐ Оформить за {price}", "en": "⭐ Subscribe for {price}"},
    "premium.button.pay": {"ru": "💳 Оплатить {price}", "en": "💳 Pay {price}"},
    "premium.receipt.ask": {
        "ru": (
            "🧾 По закону к оплате картой прилагается электронный чек. Куда его прислать? Отправьте сообщением "
            "e-mail или номер телефона — он нужен только для чека."
        ),
        "en": (
            "🧾 By law, a card payment comes with an electronic receipt. Where should it go? Send your e-mail or "
            "phone number as a message — it is used for the receipt only."
        ),
    },
    "premium.receipt.invalid": {
        "ru": "Это не похоже на e-mail или номер телефона. Пришлите, например, name@example.com или +7 900 123-45-67.",
        "en": "That doesn't look like an e-mail or a phone number. Send one like name@example.com or +7 900 123-45-67.",
    },
    "premium.receipt.canceled": {
        "ru": "Хорошо, оплата не начата — ничего не списано. Предложения снова: /premium",
        "en": "All right, no payment was started and nothing was charged. The offers again: /premium",
    },
    "premium.receipt.lapsed": {
        "ru": (
            "Покупка картой ждала e-mail для чека слишком долго и не начата. Если вы писали о другом — отправьте "
            "сообщение ещё раз; купить снова: /premium"
        ),
        "en": (
            "The card purchase waited too long for a receipt address and was not started. If you meant something "
            "else, please send it again; to buy: /premium"
        ),
    },
    "premium.receipt.closed": {"ru": "Этот вопрос уже закрыт.", "en": "That question is closed already."},
    "premium.button.cancel": {"ru": "✖️ Отмена", "en": "✖️ Cancel"},
    "provider.stars": {"ru": "⭐ Звёзды", "en": "⭐ Stars"},
    "provider.yookassa": {"ru": "💳 Картой", "en": "💳 Card"},
    "provider.yoomoney": {"ru": "👛 ЮMoney", "en": "👛 YooMoney"},
    "stars.precheckout.unavailable": {
        "ru": "Не удалось подтвердить оплату: сервис платежей не ответил. Звёзды не списаны — попробуйте через минуту.",
        "en": (
            "Couldn't confirm the payment: our payments service didn't "
            "answer. No Stars were taken — try again in a minute."
        ),
    },
    "stars.precheckout.already_paid": {
        "ru": "Этот счёт уже оплачен. Новые предложения: /premium",
        "en": "This invoice is already paid. Fresh offers: /premium",
    },
    "stars.precheckout.price_changed": {
        "ru": "Цена изменилась с момента выставления счёта. Откройте /premium, чтобы увидеть новую.",
        "en": "The price changed since this invoice was made. Open /premium to see the new one.",
    },
    "stars.precheckout.declined": {
        "ru": "Этот счёт больше не действует. Откройте /premium, чтобы оформить покупку заново.",
        "en": "This invoice is no longer valid. Open /premium to buy again.",
    },
    "stars.payment.confirming": {
        "ru": "Оплата получена! Подтверждаю её — напишу, как только всё будет готово.",
        "en": "Payment received! I'm confirming it — I'll message you as soon as it's done.",
    },
    "stars.payment.unmatched": {
        "ru": (
            "Оплата получена, но я не могу сопоставить её с покупкой. "
            "Напишите в /support — мы всё исправим или вернём звёзды."
        ),
        "en": (
            "Payment received, but I can't match it to a purchase. Please "
            "write to /support — we'll fix it or refund your Stars."
        ),
    },
    "news.succeeded": {"ru": "✅ Оплата прошла: <b>{title}</b>.", "en": "✅ Payment received: <b>{title}</b>."},
    "news.renewed": {
        "ru": "🔁 Подписка продлилась сама: <b>{title}</b>, {price}.",
        "en": "🔁 Your subscription renewed itself: <b>{title}</b>, {price}.",
    },
    "news.premium_until": {"ru": "Премиум активен до {date}.", "en": "Premium is active until {date}."},
    "news.credits_added": {
        "ru": "Начислено кредитов Kiss Cam: +{credits}.",
        "en": "Kiss Cam credits added: +{credits}.",
    },
    "news.enjoy": {"ru": "Спасибо! Всё уже работает: /balance", "en": "Thank you! It's all yours already: /balance"},
    "news.resuming": {
        "ru": "Продолжаем историю с того места, где вы остановились…",
        "en": "Picking the story up right where you left off…",
    },
    "news.canceled": {
        "ru": "❌ Оплата за «{title}» не прошла{reason}. Деньги не списаны. Попробовать ещё раз: /premium",
        "en": "❌ The payment for “{title}” didn't go through{reason}. Nothing was charged. Try again: /premium",
    },
    "news.cancel_reason.expired_on_confirmation": {
        "ru": ": время на оплату истекло",
        "en": ": the time to pay ran out",
    },
    "news.cancel_reason.canceled_by_merchant": {"ru": ": платёж отменён", "en": ": the payment was called off"},
    "news.cancel_reason.insufficient_funds": {"ru": ": недостаточно средств", "en": ": insufficient funds"},
    "news.cancel_reason.card_expired": {"ru": ": срок действия карты истёк", "en": ": the card has expired"},
    "news.cancel_reason.permission_revoked": {"ru": ": платёж отклонён банком", "en": ": the bank declined it"},
    "news.your_purchase": {"ru": "покупку", "en": "your purchase"},
    "news.refunded": {"ru": "↩️ Возврат: {price} за «{title}».", "en": "↩️ Refund: {price} for “{title}”."},
    "news.credits_taken": {
        "ru": "Списано кредитов Kiss Cam: {credits}.",
        "en": "Kiss Cam credits taken back: {credits}.",
    },
    "news.premium_left": {"ru": "Премиум теперь активен до {date}.", "en": "Premium now lasts until {date}."},
    "news.premium_gone": {"ru": "Премиум больше не активен.", "en": "Premium is no longer active."},
    "news.ending": {
        "ru": "⏳ Премиум закончится через {days} — {date}.",
        "en": "⏳ Your Premium ends in {days}, on {date}.",
    },
    "news.days.1": {"ru": "1 день", "en": "1 day"},
    "news.days.3": {"ru": "3 дня", "en": "3 days"},
    "news.days.other": {"ru": "{n} дн.", "en": "{n} days"},
    "news.ending.auto": {
        "ru": "Подписка продлится сама — ничего делать не нужно.",
        "en": "It will renew itself — there's nothing you need to do.",
    },
    "news.ending.manual": {
        "ru": "Продлите, чтобы не потерять премиум-истории и видео:",
        "en": "Renew so you keep premium stories and videos:",
    },
    "news.expired": {
        "ru": "Премиум закончился. Премиум-истории снова закрыты, но прогресс сохранён — продлите, и продолжим:",
        "en": (
            "Your Premium has ended. Premium stories are locked again, "
            "but your progress is saved — renew and we'll carry on:"
        ),
    },
    "news.button.renew": {"ru": "⭐ Продлить", "en": "⭐ Renew"},
    "balance": {
        "ru": "<b>Ваш баланс</b>\n\n{subscription}\n{credits}\n\n<b>Бесплатно</b>\n{allowances}",
        "en": "<b>Your balance</b>\n\n{subscription}\n{credits}\n\n<b>Free</b>\n{allowances}",
    },
    "balance.premium_until": {"ru": "⭐ Премиум до {date}", "en": "⭐ Premium until {date}"},
    "balance.no_premium": {
        "ru": "Подписки нет (бесплатный доступ). Оформить: /premium",
        "en": "No subscription (free access). Get one: /premium",
    },
    "balance.renewal.on": {"ru": "🔁 Автопродление включено ({provider})", "en": "🔁 Auto-renewal is on ({provider})"},
    "balance.renewal.off": {"ru": "⏹ Автопродление выключено", "en": "⏹ Auto-renewal is off"},
    "balance.credits": {"ru": "💎 Кредиты Kiss Cam: {credits}", "en": "💎 Kiss Cam credits: {credits}"},
    "balance.credits_held": {
        "ru": "💎 Кредиты Kiss Cam: {credits} (ещё {held} заняты видео в работе)",
        "en": "💎 Kiss Cam credits: {credits} ({held} more held for videos in progress)",
    },
    "balance.classic": {
        "ru": "🎬 Классических клипов сегодня: {left} из {total}",
        "en": "🎬 Classic clips left today: {left} of {total}",
    },
    "balance.ai_trial.yes": {"ru": "🎁 Пробное ИИ-видео: доступно", "en": "🎁 AI video trial: available"},
    "balance.ai_trial.no": {"ru": "🎁 Пробное ИИ-видео: использовано", "en": "🎁 AI video trial: used"},
    "balance.ai_period": {
        "ru": "🤖 ИИ-видео по подписке: {left} из {total}",
        "en": "🤖 AI videos in your subscription: {left} of {total} left",
    },
    "balance.button.cancel_renewal": {"ru": "⏹ Отключить автопродление", "en": "⏹ Cancel auto-renewal"},
    "balance.button.resume_renewal": {"ru": "🔁 Включить автопродление", "en": "🔁 Turn auto-renewal back on"},
    "balance.unavailable": {
        "ru": "Не получается узнать баланс прямо сейчас. Попробуйте через минуту — ваши покупки в сохранности.",
        "en": "I can't check your balance right now. Please try again in a minute — your purchases are safe.",
    },
    "renewal.canceled": {
        "ru": "Автопродление отключено. Премиум остаётся до {date}, потом просто закончится.",
        "en": "Auto-renewal is off. Premium stays until {date}, then simply ends.",
    },
    "renewal.resumed": {
        "ru": "Автопродление снова включено. Спасибо, что остаётесь!",
        "en": "Auto-renewal is back on. Thanks for staying!",
    },
    "renewal.nothing": {
        "ru": "Автопродлевать нечего: подписки со звёздами сейчас нет.",
        "en": "There's nothing to renew: you have no Stars subscription right now.",
    },
    "renewal.failed": {
        "ru": "Не получилось изменить автопродление. Попробуйте через минуту: /balance",
        "en": "I couldn't change auto-renewal. Please try again in a minute: /balance",
    },
    "payments.list": {"ru": "<b>Ваши платежи</b>\n\n{lines}", "en": "<b>Your payments</b>\n\n{lines}"},
    "payments.line": {"ru": "{date} · {title} · {price} · {status}", "en": "{date} · {title} · {price} · {status}"},
    "payments.empty": {
        "ru": "Платежей пока нет. Посмотреть предложения: /premium",
        "en": "No payments yet. See what's on offer: /premium",
    },
    "payments.status.pending": {"ru": "⏳ ожидает оплаты", "en": "⏳ pending"},
    "payments.status.succeeded": {"ru": "✅ оплачен", "en": "✅ paid"},
    "payments.status.canceled": {"ru": "❌ отменён", "en": "❌ canceled"},
    "payments.status.refunded": {"ru": "↩️ возвращён", "en": "↩️ refunded"},
    "payments.unavailable": {
        "ru": "Не получается показать платежи прямо сейчас. Попробуйте через минуту — все они сохранены.",
        "en": "I can't show your payments right now. Please try again in a minute — they're all on record.",
    },
    "language.choose": {"ru": "Выберите язык:", "en": "Choose your language:"},
    "language.changed": {"ru": "Готово, теперь говорим по-русски.", "en": "Done, we'll speak English now."},
    "privacy": {
        "ru": (
            "<b>Какие данные я храню</b>\n\n"
            "• Ваш Telegram ID, язык и согласия — пока вы пользуетесь ботом.\n"
            "• Прогресс в историях и ваши выборы — пока вы не удалите данные.\n"
            "• Фото для Kiss Cam — только на время создания видео, затем удаляются; "
            "готовое видео хранится у нас 24 часа (в чате оно остаётся у вас).\n"
            "• Платежи — столько, сколько требует закон о бухгалтерском учёте, без привязки к вашему профилю "
            "после удаления данных.\n\n"
            "Имён, номеров телефонов и переписки я не храню. Удалить всё: /delete_me"
        ),
        "en": (
            "<b>What data I keep</b>\n\n"
            "• Your Telegram ID, language and consents — while you use the bot.\n"
            "• Your story progress and choices — until you erase your data.\n"
            "• Kiss Cam photos — only while the video is being made, then deleted; "
            "we keep the finished video for 24 hours (the copy in this chat stays yours).\n"
            "• Payments — as long as accounting law requires, no longer linked to your profile "
            "once you erase your data.\n\n"
            "I keep no names, phone numbers or chats. To erase everything: /delete_me"
        ),
    },
    "delete.confirm": {
        "ru": (
            "Удалить все ваши данные? Прогресс в историях, найденные концовки, видео и настройки исчезнут "
            "безвозвратно. Активная подписка при этом не возвращается."
        ),
        "en": (
            "Erase all your data? Story progress, endings found, videos and settings will be gone for good. "
            "An active subscription is not refunded."
        ),
    },
    "delete.yes": {"ru": "Да, удалить всё", "en": "Yes, erase everything"},
    "delete.no": {"ru": "Нет, оставить", "en": "No, keep it"},
    "delete.done": {
        "ru": "Готово: ваши данные удалены во всех сервисах Storycam. Если захотите вернуться — просто нажмите /start.",
        "en": "Done: your data is erased in every Storycam service. If you ever want to come back, just press /start.",
    },
    "delete.kept": {"ru": "Хорошо, ничего не удаляю.", "en": "All right, nothing was erased."},
    "delete.stale": {
        "ru": "Это подтверждение уже не действует: оно использовано или устарело. Чтобы удалить данные, "
        "отправьте /delete_me ещё раз.",
        "en": "This confirmation no longer works: it was already used or it expired. To erase your data, "
        "send /delete_me again.",
    },
    "support.open": {
        "ru": "🟢 Поддержка на связи сейчас (ежедневно с 10:00 до 20:00 по Москве). Напишите @storycam_support.",
        "en": "🟢 Support is online now (daily 10:00–20:00 Moscow time). Write to @storycam_support.",
    },
    "support.closed": {
        "ru": (
            "🌙 Поддержка сейчас отдыхает и вернётся {when} (работаем ежедневно с 10:00 до 20:00 по Москве). "
            "Напишите @storycam_support — ответим первыми же."
        ),
        "en": (
            "🌙 Support is offline now and back {when} (daily 10:00–20:00 Moscow time). "
            "Write to @storycam_support — you'll be among the first we answer."
        ),
    },
    "support.when.today": {"ru": "сегодня в {time}", "en": "today at {time}"},
    "support.when.tomorrow": {"ru": "завтра в {time}", "en": "tomorrow at {time}"},
    # --- Kiss Cam ------------------------------------------------------------------------------------------------
    "kisscam.how": {
        "ru": (
            "💋 <b>Kiss Cam</b>\n\n"
            "Как на стадионе: камера находит пару, на экране загорается сердце — и все ждут поцелуя.\n\n"
            "Пришлите:\n"
            "• <b>одно фото</b>, где видны лица обоих, или\n"
            "• <b>два фото</b> — по одному человеку на каждом: альбомом или двумя сообщениями подряд "
            "(в течение {minutes} мин).\n\n"
            "Потом выберете видео: <b>Классика</b> (бесплатно каждый день) или <b>ИИ-видео</b> (за кредиты)."
        ),
        "en": (
            "💋 <b>Kiss Cam</b>\n\n"
            "Just like at the stadium: the camera finds a couple, a heart lights up on the big screen, and everyone "
            "waits for the kiss.\n\n"
            "Send me:\n"
            "• <b>one photo</b> with both faces in it, or\n"
            "• <b>two photos</b>, one person in each: as an album, or two messages in a row "
            "(within {minutes} min).\n\n"
            "Then pick your video: <b>Classic</b> (free every day) or <b>AI</b> (paid in credits)."
        ),
    },
    "kisscam.consent": {
        "ru": (
            "Прежде чем я возьму фото, подтвердите, пожалуйста:\n"
            "• вам есть 18 лет;\n"
            "• люди на фото согласны, чтобы из их снимков сделали видео с поцелуем.\n\n"
            "Фото нужны только для видео и удаляются, как только оно готово."
        ),
        "en": (
            "Before I take any photos, please confirm:\n"
            "• you are 18 or older;\n"
            "• the people in the photos agreed to a kissing video made from them.\n\n"
            "Photos are used only for the video and deleted as soon as it is ready."
        ),
    },
    "kisscam.consent_first": {
        "ru": "Я ещё не сохранил это фото. Сначала подтвердите согласие ниже, а потом пришлите фото ещё раз.",
        "en": "I haven't kept that photo. Please confirm below first, then send the photo again.",
    },
    "kisscam.consent_first.album": {
        "ru": "Я ещё не сохранил эти фото. Сначала подтвердите согласие ниже, а потом пришлите их ещё раз.",
        "en": "I haven't kept those photos. Please confirm below first, then send them again.",
    },
    "kisscam.consent.yes": {"ru": "✅ Мне 18+, все согласны", "en": "✅ I'm 18+ and they agreed"},
    "kisscam.consent.no": {"ru": "Нет", "en": "No"},
    "kisscam.consent_thanks": {
        "ru": "Спасибо! Теперь пришлите одно фото пары или два фото — по человеку на каждом.",
        "en": "Thank you! Now send one photo of the couple, or two photos with one person in each.",
    },
    "kisscam.consent_declined": {
        "ru": "Хорошо, я ничего не сохранил. Если передумаете — /kisscam.",
        "en": "All right, nothing was kept. If you change your mind: /kisscam.",
    },
    "kisscam.got_one": {
        "ru": (
            "📸 Фото получено. На нём должны быть видны лица обоих — "
            "или пришлите в течение {minutes} мин второе фото, со вторым человеком.\n\nКакое видео сделаем?"
        ),
        "en": (
            "📸 Got your photo. Both faces should be visible in it — or send a photo of the other person "
            "within {minutes} min.\n\nWhich video shall we make?"
        ),
    },
    "kisscam.got_two": {
        "ru": "📸📸 Оба фото получены — по человеку на каждом.\n\nКакое видео сделаем?",
        "en": "📸📸 Got both photos — one person in each.\n\nWhich video shall we make?",
    },
    "kisscam.provider.classic": {"ru": "🏟 Классика", "en": "🏟 Classic"},
    "kisscam.provider.grok": {"ru": "✨ ИИ-видео", "en": "✨ AI video"},
    "kisscam.style.stadium": {"ru": "🏟 Стадион", "en": "🏟 Stadium"},
    "kisscam.style.romantic": {"ru": "🌹 Романтика", "en": "🌹 Romantic"},
    "kisscam.style.cinematic": {"ru": "🎬 Кино", "en": "🎬 Cinematic"},
    "kisscam.price.daily": {
        "ru": "бесплатно, сегодня осталось {left} из {total}",
        "en": "free, {left} of {total} left today",
    },
    "kisscam.price.daily.chosen": {
        "ru": "бесплатно, сегодня ещё {left} из {total}",
        "en": "free, {left} of {total} more today",
    },
    "kisscam.price.daily.last": {"ru": "бесплатно, последнее на сегодня", "en": "free, the last one for today"},
    "kisscam.price.free": {"ru": "бесплатно", "en": "free"},
    "kisscam.price.trial": {"ru": "бесплатно — ваше пробное ИИ-видео", "en": "free — your trial AI video"},
    "kisscam.price.included": {
        "ru": "входит в Премиум, осталось {left} из {total} в этом периоде",
        "en": "included in Premium, {left} of {total} left this period",
    },
    "kisscam.price.included.last": {
        "ru": "входит в Премиум, последнее в этом периоде",
        "en": "included in Premium, the last one this period",
    },
    "kisscam.price.included.chosen": {
        "ru": "входит в Премиум, в этом периоде ещё {left} из {total}",
        "en": "included in Premium, {left} of {total} more this period",
    },
    "kisscam.pick_style": {
        "ru": "{provider}: {price}.\n\nВыберите стиль — ничего не спишется, пока видео не будет готово:",
        "en": "{provider}: {price}.\n\nPick a style — nothing is charged until the video is ready:",
    },
    "kisscam.unaffordable": {
        "ru": "{provider} стоит {credits}, а кредитов не хватает. Пополните баланс — или сделайте классическое видео.",
        "en": "{provider} costs {credits} and you don't have enough credits. Top up — or make a Classic video.",
    },
    "kisscam.buy": {"ru": "💳 Купить кредиты", "en": "💳 Buy credits"},
    "kisscam.classic_instead": {"ru": "🏟 Лучше классику", "en": "🏟 Classic instead"},
    "kisscam.chosen": {"ru": "✅ {provider} · {style} — {price}", "en": "✅ {provider} · {style} — {price}"},
    "kisscam.too_many": {
        "ru": (
            "У меня уже два фото — больше не нужно: Kiss Cam берёт одно фото пары или два фото по человеку. "
            "Выберите видео выше или пришлите новые фото через пару минут."
        ),
        "en": (
            "I already have two photos — that's all Kiss Cam takes: one photo of the couple, or two with one "
            "person each. Pick your video above, or send new photos in a couple of minutes."
        ),
    },
    "kisscam.not_a_photo": {
        "ru": "Для Kiss Cam нужны фотографии (JPEG, PNG или WebP) — видео, стикеры и другие файлы не подойдут.",
        "en": "Kiss Cam needs photos (JPEG, PNG or WebP) — videos, stickers and other files won't do.",
    },
    "kisscam.waiting": {
        "ru": "Жду ваш выбор: нажмите кнопку под фото выше или пришлите второе фото. Начать заново — /kisscam.",
        "en": "Waiting for your pick: tap a button above, or send the second photo. To start over: /kisscam.",
    },
    "kisscam.file_too_large": {
        "ru": (
            "Этот файл больше 20 МБ — Telegram не даёт ботам скачивать такие. "
            "Пришлите его как фото (не файлом) или уменьшите."
        ),
        "en": (
            "That file is over 20 MB — Telegram doesn't let bots download files that big. "
            "Send it as a photo (not as a file), or make it smaller."
        ),
    },
    "kisscam.stale": {
        "ru": "Эти кнопки уже не работают. Пришлите фото заново — /kisscam подскажет как.",
        "en": "These buttons no longer work. Send the photos again — /kisscam shows how.",
    },
    "kisscam.on_its_way": {
        "ru": "Это видео уже снимается ✨ Оно придёт сюда само.",
        "en": "This video is already on its way ✨ It will arrive right here.",
    },
    "kisscam.again_expired": {
        "ru": "Фото этого видео уже удалены. Пришлите их ещё раз — и выберите другой стиль.",
        "en": "The photos of this video are gone by now. Send them again and pick another style.",
    },
    "kisscam.unavailable": {
        "ru": "Kiss Cam сейчас недоступен. Ваши фото ждут — нажмите кнопку ещё раз через минуту.",
        "en": "Kiss Cam is unavailable right now. Your photos are waiting — tap the button again in a minute.",
    },
    "kisscam.prices_unavailable": {
        "ru": "Не получается узнать цену прямо сейчас, поэтому ничего не запускаю. Попробуйте через минуту.",
        "en": "I can't check the price right now, so I'm not starting anything. Please try again in a minute.",
    },
    "kisscam.progress.uploading": {"ru": "⏳ Передаю фото на камеру…", "en": "⏳ Handing your photos to the camera…"},
    "kisscam.progress.queued": {
        "ru": "🎟 В очереди: вы {position}-й. Видео придёт сюда само.",
        "en": "🎟 In the queue: you're number {position}. The video will arrive right here.",
    },
    "kisscam.progress.queued_next": {
        "ru": "🎟 В очереди — вы следующий. Видео придёт сюда само.",
        "en": "🎟 In the queue — you're next. The video will arrive right here.",
    },
    "kisscam.progress.validating": {
        "ru": "🔍 Проверяю фото и ищу лица…",
        "en": "🔍 Checking the photos, finding faces…",
    },
    "kisscam.progress.generating": {"ru": "🎬 Снимаю видео… {percent}%", "en": "🎬 Making your video… {percent}%"},
    "kisscam.progress.generating_plain": {"ru": "🎬 Снимаю видео…", "en": "🎬 Making your video…"},
    "kisscam.progress.storing": {"ru": "💾 Почти готово…", "en": "💾 Almost there…"},
    "kisscam.progress.sending": {"ru": "📤 Отправляю видео…", "en": "📤 Sending your video…"},
    "kisscam.progress.done": {"ru": "✅ Готово — видео ниже.", "en": "✅ Done — your video is below."},
    "kisscam.progress.reused": {
        "ru": "✅ Такое видео уже было — отправляю его ещё раз, бесплатно.",
        "en": "✅ You made this one before — here it is again, free of charge.",
    },
    "kisscam.failed": {"ru": "😕 Видео не получилось.\n\n{reason}", "en": "😕 The video didn't work out.\n\n{reason}"},
    "kisscam.refunded": {"ru": "Кредит вернулся на ваш баланс.", "en": "Your credit has been returned."},
    "kisscam.reason.not_an_image": {
        "ru": "Файл не читается как фото. Пришлите снимок в JPEG, PNG или WebP.",
        "en": "That file can't be read as a photo. Please send a JPEG, PNG or WebP picture.",
    },
    "kisscam.reason.animated": {
        "ru": "Это анимация, а нужна обычная фотография. Пришлите неподвижный снимок.",
        "en": "That's an animation — Kiss Cam needs a still photo. Please send a regular picture.",
    },
    "kisscam.reason.too_large": {
        "ru": "Файл слишком большой. Пришлите его как фото (не файлом) — Telegram сам его уменьшит.",
        "en": "The file is too big. Send it as a photo (not as a file) and Telegram will shrink it for you.",
    },
    "kisscam.reason.too_many_pixels": {
        "ru": "У снимка слишком большое разрешение. Пришлите его как фото (не файлом) или уменьшите.",
        "en": "The picture's resolution is too large. Send it as a photo (not as a file), or make it smaller.",
    },
    "kisscam.reason.too_small": {
        "ru": "Снимок слишком маленький — на нём не разглядеть лица. Пришлите фото побольше.",
        "en": "The picture is too small to make out faces. Please send a bigger photo.",
    },
    "kisscam.reason.no_face": {
        "ru": "Я не нашёл на фото ни одного лица. Нужны лица анфас, хорошо освещённые и без очков от солнца.",
        "en": "I couldn't find any face. Faces should look at the camera, be well lit, with no sunglasses.",
    },
    "kisscam.reason.one_face": {
        "ru": "На фото только одно лицо. Пришлите фото, где видны оба, или второе фото со вторым человеком.",
        "en": "There's only one face. Send a photo with both of you, or add a second photo of the other person.",
    },
    "kisscam.reason.too_many_faces": {
        "ru": "На фото больше двух лиц. Kiss Cam снимает пару — пришлите фото, где только вы двое.",
        "en": "There are more than two faces. Kiss Cam films a couple — send a photo with just the two of you.",
    },
    "kisscam.reason.faces_too_small": {
        "ru": "Лица на фото слишком мелкие. Пришлите снимок поближе, где лица крупнее.",
        "en": "The faces are too small. Please send a closer shot where the faces are bigger.",
    },
    "kisscam.reason.too_dark": {
        "ru": "Фото слишком тёмное — лиц не разглядеть. Пришлите снимок при хорошем свете.",
        "en": "The photo is too dark to make out faces. Please send one taken in good light.",
    },
    "kisscam.reason.moderation": {
        "ru": "Сервис видео отказался работать с этими фото по своим правилам. Попробуйте другие снимки.",
        "en": "The video service declined these photos under its content rules. Please try other photos.",
    },
    "kisscam.reason.provider_failed": {
        "ru": "Сервис видео не справился вовремя. Это не ваша вина — попробуйте ещё раз чуть позже.",
        "en": "The video service didn't finish in time. It's not your fault — please try again a little later.",
    },
    "kisscam.reason.provider_unavailable": {
        "ru": "ИИ-видео сейчас не делаются. Классическое видео — пожалуйста, фото я сохранил.",
        "en": "AI videos aren't available right now. A Classic one is — your photos are still here.",
    },
    "kisscam.reason.insufficient_credits": {
        "ru": "Не хватает кредитов на ИИ-видео. Пополните баланс в /premium — или выберите классику.",
        "en": "Not enough credits for an AI video. Top up in /premium — or pick Classic.",
    },
    "kisscam.reason.rate_limited": {
        "ru": "Вы сделали много видео за последний час. Передохните немного и попробуйте позже.",
        "en": "You've made a lot of videos in the last hour. Take a short break and try again later.",
    },
    "kisscam.reason.busy": {
        "ru": "Одно ваше видео уже снимается. Дождитесь его — и сразу сделаем следующее.",
        "en": "One of your videos is already being made. Wait for it, then we'll make the next one.",
    },
    "kisscam.reason.internal": {
        "ru": "Что-то сломалось на нашей стороне. Мы уже разбираемся — попробуйте ещё раз чуть позже.",
        "en": "Something broke on our side. We're on it — please try again a little later.",
    },
    "kisscam.caption": {
        "ru": "💋 Ваше Kiss Cam видео · {style}\n<i>Создано ИИ</i>",
        "en": "💋 Your Kiss Cam video · {style}\n<i>AI-generated</i>",
    },
    "kisscam.again": {"ru": "🔁 Другой стиль", "en": "🔁 Another style"},
    "kisscam.share": {"ru": "📤 Поделиться", "en": "📤 Share"},
    "kisscam.share_text": {
        "ru": "Смотри, какое видео мне сделал Kiss Cam 💋 Сделай своё:",
        "en": "Look what Kiss Cam made for me 💋 Make your own:",
    },
    "stats": {
        "ru": (
            "📊 <b>Ваша статистика</b>\n\n"
            "💋 Видео Kiss Cam: {videos}\n📖 Историй пройдено: {finished}\n🏁 Концовок найдено: {endings}"
        ),
        "en": (
            "📊 <b>Your stats</b>\n\n"
            "💋 Kiss Cam videos: {videos}\n📖 Stories finished: {finished}\n🏁 Endings found: {endings}"
        ),
    },
    "stats.unknown": {"ru": "—", "en": "—"},
    "unknown": {
        "ru": "Я пока не понимаю свободный текст вне истории. Выберите, что хотите сделать:",
        "en": "I don't understand free text outside a story yet. Pick what you'd like to do:",
    },
    "button.unknown": {
        "ru": "Эта кнопка больше не работает. Нажмите /start, чтобы открыть меню.",
        "en": "This button no longer works. Press /start to open the menu.",
    },
    "text.unreadable": {
        "ru": "Не могу прочитать это сообщение: в нём нет обычных букв. Напишите словами или выберите кнопку.",
        "en": "I couldn't read that message: there are no ordinary letters in it. Write in words or tap a button.",
    },
    "slow_down": {
        "ru": "Ого, сколько сообщений! Дайте мне пару секунд перевести дух — отвечу на следующее.",
        "en": "Whoa, that's a lot of messages! Give me a few seconds to catch my breath — I'll answer the next one.",
    },
    "slow_down.tap": {
        "ru": "Не так быстро! Дайте мне пару секунд — и нажмите ещё раз.",
        "en": "Not so fast! Give me a few seconds, then tap again.",
    },
    "error.generic": {
        "ru": "Что-то пошло не так на нашей стороне. Мы уже разбираемся — попробуйте ещё раз чуть позже.",
        "en": "Something went wrong on our side. We're on it — please try again a little later.",
    },
}

# Bot commands shown in Telegram's menu (setMyCommands), per language.
COMMANDS: Final[dict[Language, list[tuple[str, str]]]] = {
    "ru": [
        ("start", "Главное меню"),
        ("stories", "Интерактивные истории"),
        ("kisscam", "Видео с поцелуем"),
        ("premium", "Подписка и кредиты"),
        ("balance", "Мой баланс"),
        ("stats", "Моя статистика"),
        ("payments", "Мои платежи"),
        ("language", "Сменить язык"),
        ("help", "Помощь"),
        ("privacy", "Какие данные хранятся"),
        ("delete_me", "Удалить мои данные"),
        ("support", "Поддержка"),
    ],
    "en": [
        ("start", "Main menu"),
        ("stories", "Interactive stories"),
        ("kisscam", "A kissing video"),
        ("premium", "Subscription and credits"),
        ("balance", "My balance"),
        ("stats", "My stats"),
        ("payments", "My payments"),
        ("language", "Change the language"),
        ("help", "Help"),
        ("privacy", "What data is kept"),
        ("delete_me", "Erase my data"),
        ("support", "Support"),
    ],
}


def credits_phrase(language: Language, count: int) -> str:
    """ "1 credit", "3 credits"; "1 кредит", "3 кредита", "5 кредитов"."""
    if language == "en":
        return f"{count} credit" if count == 1 else f"{count} credits"
    tens, ones = count % 100, count % 10
    word = (
        "кредит" if ones == 1 and tens != 11 else ("кредита" if 2 <= ones <= 4 and not 12 <= tens <= 14 else "кредитов")
    )
    return f"{count} {word}"


def text(language: Language, key: str, **values: object) -> str:
    template = _TEXTS[key][language]
    return template.format(**values) if values else template


def translation_gaps() -> list[str]:
    """Keys whose languages differ: a text missing, or placeholders that are not the same. A test keeps it empty."""
    gaps = []
    for key, by_language in _TEXTS.items():
        fields = {language: set(_PLACEHOLDER.findall(by_language.get(language, ""))) for language in LANGUAGES}
        if (
            any(not by_language.get(language, "").strip() for language in LANGUAGES)
            or len({frozenset(f) for f in fields.values()}) > 1
        ):
            gaps.append(key)
    return gaps
