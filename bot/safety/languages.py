# ruff: noqa: E501 - one language's reply to a line
"""Messages in a language the assistant does not understand: which language, danger in Spanish, and a reply.

The assistant understands English only. Someone writing "mi papá no respira" must not get the English menu:
they get, in their own language, the emergency number, the crisis line and "I only understand English for
now". Language identification runs offline: the script of the letters (Chinese, Arabic, Cyrillic, ...) tells
most languages apart, and ``langid`` (which ships its model inside the package) the Latin-script ones. A
message counts as another language only when few of its words are English, so typos and texting ("u ok?",
"cant brethe") stay English.

Spanish is the second language of many clinics' patients, so danger in Spanish is caught by rules of its own
(``spanish_alarm``), the same kinds as the English net (public guidance from CDC en Español, MedlinePlus en
español and the 988 Lifeline's Spanish line).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.safety.net import CRISIS, EMERGENCY, VIOLENCE, Alarm, _known_words

ENGLISH = "en"

# "If this is an emergency, call {emergency_number} now. If you might hurt yourself, call or text
# {crisis_line}. I only understand English for now." Written for plainhealth; the numbers are the clinic's.
REPLIES: dict[str, str] = {
    "es": "Si es una emergencia, llame al {emergency_number} ahora. Si piensa hacerse daño, llame o envíe un mensaje de texto al {crisis_line}. Por ahora solo entiendo inglés.",
    "fr": "S'il s'agit d'une urgence, appelez le {emergency_number} maintenant. Si vous pensez à vous faire du mal, appelez ou écrivez au {crisis_line}. Pour l'instant, je ne comprends que l'anglais.",
    "pt": "Se for uma emergência, ligue para o {emergency_number} agora. Se você pensa em se machucar, ligue ou envie uma mensagem para o {crisis_line}. Por enquanto, só entendo inglês.",
    "zh": "如果这是紧急情况，请立即拨打 {emergency_number}。如果您可能伤害自己，请拨打或发短信至 {crisis_line}。我目前只懂英语。",
    "ar": "إذا كانت هذه حالة طارئة، اتصل بالرقم {emergency_number} الآن. إذا كنت قد تؤذي نفسك، اتصل أو أرسل رسالة نصية إلى {crisis_line}. أنا أفهم اللغة الإنجليزية فقط حاليًا.",
    "vi": "Nếu đây là trường hợp khẩn cấp, hãy gọi {emergency_number} ngay. Nếu bạn có thể tự làm hại mình, hãy gọi hoặc nhắn tin đến {crisis_line}. Hiện tại tôi chỉ hiểu tiếng Anh.",
    "ru": "Если это экстренный случай, позвоните {emergency_number} прямо сейчас. Если вы можете причинить себе вред, позвоните или напишите на {crisis_line}. Пока я понимаю только английский.",
    "uk": "Якщо це надзвичайна ситуація, негайно телефонуйте {emergency_number}. Якщо ви можете собі зашкодити, зателефонуйте або напишіть на {crisis_line}. Поки що я розумію лише англійську.",
    "tl": "Kung ito ay emergency, tumawag agad sa {emergency_number}. Kung maaari mong saktan ang iyong sarili, tumawag o mag-text sa {crisis_line}. Ingles lang ang naiintindihan ko sa ngayon.",
    "hi": "अगर यह आपातकाल है, तो अभी {emergency_number} पर कॉल करें। अगर आप खुद को नुकसान पहुँचा सकते हैं, तो {crisis_line} पर कॉल या मैसेज करें। अभी मैं सिर्फ़ अंग्रेज़ी समझता हूँ।",
    "bn": "এটি জরুরি অবস্থা হলে, এখনই {emergency_number} নম্বরে কল করুন। আপনি যদি নিজের ক্ষতি করতে পারেন, তাহলে {crisis_line} নম্বরে কল বা মেসেজ করুন। আমি এখন শুধু ইংরেজি বুঝি।",
    "ur": "اگر یہ ہنگامی صورتحال ہے تو ابھی {emergency_number} پر کال کریں۔ اگر آپ خود کو نقصان پہنچا سکتے ہیں تو {crisis_line} پر کال یا میسج کریں۔ میں ابھی صرف انگریزی سمجھتا ہوں۔",
    "fa": "اگر این یک وضعیت اضطراری است، همین حالا با {emergency_number} تماس بگیرید. اگر ممکن است به خودتان آسیب بزنید، با {crisis_line} تماس بگیرید یا پیامک بفرستید. من فعلاً فقط انگلیسی می‌فهمم.",
    "pl": "Jeśli to nagły wypadek, zadzwoń teraz pod {emergency_number}. Jeśli możesz zrobić sobie krzywdę, zadzwoń lub napisz SMS pod {crisis_line}. Na razie rozumiem tylko po angielsku.",
    "ht": "Si se yon ijans, rele {emergency_number} kounye a. Si ou ka fè tèt ou mal, rele oswa voye tèks bay {crisis_line}. Pou kounye a, mwen konprann angle sèlman.",
    "ko": "응급 상황이라면 지금 바로 {emergency_number}에 전화하세요. 스스로를 해칠 것 같다면 {crisis_line}에 전화하거나 문자를 보내세요. 지금은 영어만 이해할 수 있습니다.",
    "ja": "緊急の場合は、今すぐ {emergency_number} に電話してください。自分を傷つけてしまいそうな場合は、{crisis_line} に電話またはテキストを送ってください。今は英語しか分かりません。",
    "so": "Haddii ay tani tahay xaalad degdeg ah, hadda wac {emergency_number}. Haddii aad is dhaawici karto, wac ama u dir fariin {crisis_line}. Hadda waxaan fahmaa Ingiriisi oo keliya.",
    "de": "Wenn es ein Notfall ist, rufen Sie jetzt {emergency_number} an. Wenn Sie sich etwas antun könnten, rufen Sie {crisis_line} an oder schreiben Sie eine SMS. Ich verstehe im Moment nur Englisch.",
    "it": "Se è un'emergenza, chiama subito il {emergency_number}. Se pensi di farti del male, chiama o scrivi al {crisis_line}. Per ora capisco solo l'inglese.",
    "tr": "Bu bir acil durumsa, hemen {emergency_number} numarasını arayın. Kendinize zarar verebilecekseniz, {crisis_line} numarasını arayın veya mesaj gönderin. Şimdilik sadece İngilizce anlıyorum.",
}
# The English reply, for a language we have no words for (sent with the clinic's main languages).
ENGLISH_REPLY = "If this is an emergency, call {emergency_number} now. If you might hurt yourself, call or text {crisis_line}. I only understand English for now."
# Clinic profiles name languages in English ("Spanish"); replies are keyed by ISO 639-1 code.
LANGUAGE_CODES = {
    "english": "en",
    "spanish": "es",
    "french": "fr",
    "portuguese": "pt",
    "chinese": "zh",
    "mandarin": "zh",
    "cantonese": "zh",
    "arabic": "ar",
    "vietnamese": "vi",
    "russian": "ru",
    "ukrainian": "uk",
    "tagalog": "tl",
    "filipino": "tl",
    "hindi": "hi",
    "bengali": "bn",
    "urdu": "ur",
    "farsi": "fa",
    "persian": "fa",
    "dari": "fa",
    "polish": "pl",
    "haitian creole": "ht",
    "korean": "ko",
    "japanese": "ja",
    "somali": "so",
    "german": "de",
    "italian": "it",
    "turkish": "tr",
}

# Letters of a script, and the language a message in that script most likely is (langid picks among the
# languages that share a script: Arabic, Persian and Urdu; Russian and Ukrainian).
_SCRIPTS = (
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0400-\u04ff]"), "ru"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
    (re.compile(r"[\u0980-\u09ff]"), "bn"),
)
_SAME_SCRIPT = {"ar": {"ar", "fa", "ur"}, "ru": {"ru", "uk"}}


@lru_cache(maxsize=1)
def _identifier():
    from langid.langid import LanguageIdentifier, model

    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    identifier.set_languages(sorted({ENGLISH, *REPLIES} & set(identifier.nb_classes)))
    return identifier


def _english_share(words: list[str]) -> float:
    known = _known_words()
    return sum(1 for w in words if w in known) / len(words) if words else 1.0


def language_of(text: str) -> str:
    """The ISO 639-1 code of the message's language; "en" unless it is clearly something else.

    Unknown languages come back as "und" (undetermined): the reply then uses the clinic's main languages.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return ENGLISH
    for pattern, code in _SCRIPTS:
        if len(pattern.findall(text)) >= max(2, len(letters) // 3):
            if code in _SAME_SCRIPT:
                guess, _ = _identifier().classify(text)
                return guess if guess in _SAME_SCRIPT[code] else code
            return code
    ascii_words = re.findall(r"[a-z]+", _fold(text.lower()))
    if not ascii_words:
        return "und"
    # One or two words ("ok", "hola") say too little; typos and texting ("cant brethe plz") are still mostly
    # English words. Another language needs langid's confidence and a small share of English words.
    if len(ascii_words) < 3:
        return ENGLISH
    guess, confidence = _identifier().classify(text)
    share = _english_share(ascii_words)
    if guess == ENGLISH:
        return ENGLISH
    # The dictionary knows many Spanish words as names ("que", "para"): a near-certain guess outweighs it.
    if confidence >= 0.999 and share < 0.95:
        return str(guess)
    if share >= 0.85:
        return ENGLISH
    if confidence >= 0.9:
        return str(guess)
    # Gibberish ("zxqv plork wibble") stays English: the normal "say it another way".
    return "und" if share < 0.5 and confidence >= 0.6 else ENGLISH


def _fold(text: str) -> str:
    """ "respiración" -> "respiracion": patients type with and without accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --- danger in Spanish ----------------------------------------------------------------------------------------

_PERSONA = r"(?:mi|su|el|la|nuestro|nuestra) (?:\w+ )?(?:hijo|hija|bebe|nino|nina|papa|mama|padre|madre|esposo|esposa|marido|mujer|abuelo|abuela|hermano|hermana|amigo|amiga|novio|novia|pareja|vecino|vecina|tio|tia)|el|ella|alguien|yo"
_SPANISH_SIGNS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (name, kind, re.compile(pattern))
    for name, kind, pattern in (
        (
            "self_harm",
            CRISIS,
            r"\b(?:suicid\w*|matarme|quitarme la vida|me quiero morir|quiero morir\w*|no quiero (?:vivir|seguir viviendo|despertar|estar aqui)|acabar con (?:mi vida|todo)|hacerme dano|cortarme|quiere (?:matarse|suicidarse|morirse|quitarse la vida)|se quiere (?:matar|morir|suicidar))\b",
        ),
        (
            "violence",
            VIOLENCE,
            r"\b(?:me (?:pega|golpea|golpeo|pego|ahorca|ahorco|estrangula|amenaza|amenazo|quiere matar|va a matar|lastima|maltrata)|nos (?:pega|golpea|amenaza)|amenaz\w* con matar\w*|violencia (?:domestica|en (?:mi|la) casa)|no estoy segur[oa] en (?:mi )?casa|tengo miedo de (?:mi )?(?:esposo|marido|pareja|novio|esposa))\b",
        ),
        (
            "chest_pain",
            EMERGENCY,
            r"\b(?:dolor|presion|opresion|apreton)\b(?: \w+){0,3} (?:en el|del|de) pecho\b|\bme duele (?:mucho )?el pecho\b|\b(?:ataque al corazon|infarto)\b(?! (?:el|hace|en) (?:ano|mes|pasad))",
        ),
        (
            "stroke",
            EMERGENCY,
            r"\b(?:derrame (?:cerebral)?|embolia|ictus)\b|\bcara (?:caida|torcida|chueca)\b|\b(?:no puede|no puedo) (?:hablar bien|mover (?:el|la|un|su|mi) (?:brazo|pierna|lado))\b|\bhabla (?:raro|arrastrando|enredado)\b",
        ),
        (
            "breathing",
            EMERGENCY,
            r"\bno (?:puede|puedo|podemos|esta|estoy) respir\w*\b|\bno respira\b|\bse (?:esta )?(?:ahoga|ahogando|atraganto|atraganta)\w*\b|\blabios (?:morados|azules)\b|\bse (?:puso|esta poniendo) (?:morad[oa]|azul)\b",
        ),
        (
            "unconscious",
            EMERGENCY,
            r"\b(?:se desmayo|inconsciente|no (?:despierta|reacciona|responde)|se (?:cayo|desplomo) y no)\b",
        ),
        (
            "bleeding",
            EMERGENCY,
            r"\b(?:sangra|sangrando|sangrado|sangre)\b(?: \w+){0,3} (?:mucho|mucha|no (?:para|se detiene|deja)|sin parar|abundante)\b|\bmucha sangre\b|\bhemorragia\b|\b(?:apunalad|baleado|le dispararon)\w*",
        ),
        (
            "allergy",
            EMERGENCY,
            r"\b(?:se (?:le )?(?:esta )?(?:hinch\w*)|hinchad[oa]s?)\b(?: \w+){0,3} (?:labios|lengua|garganta|cara)\b|\b(?:labios|lengua|garganta|cara)\b(?: \w+){0,3} hinchad\w*\b|\bse (?:me |le )?cierra la garganta\b|\banafila\w*",
        ),
        ("seizure", EMERGENCY, r"\b(?:convulsi\w+|convulsiona\w*|ataque epileptico)\b"),
        (
            "poisoning",
            EMERGENCY,
            r"\b(?:sobredosis|envenen\w*|intoxic\w*)\b|\b(?:se )?(?:tomo|trago|tome|bebio|comio)\b(?: \w+){0,3} (?:muchas|todas las|un frasco|un bote|cloro|lejia|veneno|pastillas de)\b",
        ),
        (
            "called_out",
            EMERGENCY,
            r"\b(?:llamen|llama|llamar|necesito) (?:a )?(?:una )?ambulancia\b|\bemergencia\b|\bse esta muriendo\b|\bme estoy muriendo\b",
        ),
    )
)
_SPANISH_MENTION = re.compile(
    r"^(?:que es|que significa|cuales son|como (?:se|puedo|saber)|informacion sobre|senales de|sintomas de)\b|\b(?:hace (?:un|dos|tres|\d+) (?:ano|anos|mes|meses)|el ano pasado|el mes pasado)\b"
)


def spanish_alarm(text: str) -> Alarm | None:
    """Danger now in a Spanish message, or None (a question about a word, or a past event, is no alarm)."""
    folded = re.sub(r"[^a-z0-9 ]+", " ", _fold(text.lower()))
    folded = re.sub(r"\s+", " ", folded).strip()
    for name, kind, pattern in _SPANISH_SIGNS:
        if pattern.search(folded) and not (
            _SPANISH_MENTION.search(folded) and kind == EMERGENCY and name != "called_out"
        ):
            return Alarm(kind, f"es:{name}")
    return None
