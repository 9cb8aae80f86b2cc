"""The numpy all-MiniLM-L6-v2 (bot/answers/embedding.py) and its WordPiece tokenizer: checks that fail when
the forward pass or the tokenisation drifts from the trained model, and the on-disk vector cache."""

from pathlib import Path

import numpy as np
import pytest

from bot.answers import embedding
from bot.answers.embedding import SentenceModel, encode_cached, model_folder, sentence_model
from bot.answers.wordpiece import WordPiece, basic_words


@pytest.fixture(scope="module")
def model() -> SentenceModel:
    return sentence_model()


@pytest.fixture(scope="module")
def vocab_ids() -> dict[str, int]:
    lines = (model_folder() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return {token: index for index, token in enumerate(lines)}


def test_the_basic_tokenizer_lowercases_strips_accents_and_splits_punctuation() -> None:
    assert basic_words("Café-au-lait, NAÏVE?!  ok") == ["cafe", "-", "au", "-", "lait", ",", "naive", "?", "!", "ok"]
    assert basic_words("it's $5\u00a0each") == ["it", "'", "s", "$", "5", "each"]


def test_a_sentence_gets_the_ids_the_vocabulary_file_gives(model: SentenceModel, vocab_ids: dict[str, int]) -> None:
    # "metformin" is not one word in the vocabulary: greedy longest match cuts it into known pieces.
    pieces = ["[CLS]", "hello", "world", "!", "i", "'", "m", "taking", "met", "##form", "##in", ",", "ok", "?", "[SEP]"]
    assert model.tokenizer.encode("Hello world! I'm taking Metformin, ok?") == [vocab_ids[p] for p in pieces]


def test_long_texts_are_cut_to_the_token_limit_and_unknown_words_are_unk(vocab_ids: dict[str, int]) -> None:
    tokenizer = WordPiece(vocab_ids, max_tokens=8)
    ids = tokenizer.encode("one two three four five six seven eight nine")
    assert len(ids) == 8 and ids[0] == vocab_ids["[CLS]"] and ids[-1] == vocab_ids["[SEP]"]
    assert tokenizer.encode("\u2603\u2603")[1] == vocab_ids["[UNK]"]


def test_the_vector_matches_the_published_model(model: SentenceModel) -> None:
    """sentence-transformers' all-MiniLM-L6-v2 gives these first values for "hello world" (the reference
    figures other runtimes test against); a wrong GELU, LayerNorm, mask or pooling moves them."""
    vector = model.encode(["hello world"])[0]
    assert np.allclose(vector[:5], [-0.034478, 0.03102, 0.00673, 0.02611, -0.039362], atol=2e-4)


def test_vectors_are_unit_length_deterministic_and_unaffected_by_padding(model: SentenceModel) -> None:
    alone = model.encode(["can my asthma inhaler be used every day"])
    # In a batch with a much longer text, the short one is padded: masked padding must change nothing.
    batch = model.encode(["a much longer sentence " * 12, "can my asthma inhaler be used every day"])
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    assert np.allclose(alone[0], batch[1], atol=1e-5)
    assert np.array_equal(alone, model.encode(["can my asthma inhaler be used every day"]))
    assert np.allclose(model.encode_one("can my asthma inhaler be used every day"), alone[0], atol=1e-6)


def test_paraphrases_are_closer_than_unrelated_sentences(model: SentenceModel) -> None:
    a, b, c, d = model.encode(
        [
            "How can I bring my blood pressure down?",
            "Ways to lower high blood pressure",
            "What time does the library close on Sunday?",
            "my puffer is not helping my breathing",
        ]
    )
    inhaler = model.encode(["A rescue inhaler opens your airways quickly during an asthma attack."])[0]
    assert a @ b > 0.6 and a @ b > a @ c + 0.4
    assert d @ inhaler > d @ c


def test_the_cache_reuses_known_texts_and_encodes_only_new_ones(
    model: SentenceModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded: list[list[str]] = []
    real = SentenceModel.encode

    def counting(self: SentenceModel, texts: list[str], batch_size: int = embedding.BATCH) -> np.ndarray:
        encoded.append(list(texts))
        return real(self, texts, batch_size)

    monkeypatch.setattr(SentenceModel, "encode", counting)
    first = encode_cached(model, ["what is asthma", "what is copd"], tmp_path)
    again = encode_cached(model, ["what is copd", "what is asthma"], tmp_path)
    grown = encode_cached(model, ["what is asthma", "a new lesson's text"], tmp_path)
    assert [sorted(texts) for texts in encoded] == [["what is asthma", "what is copd"], ["a new lesson's text"]]
    assert np.array_equal(again, first[::-1]) and np.array_equal(grown[0], first[0])
    assert [p.name for p in tmp_path.iterdir()] == [f"sentences-{model.fingerprint[:20]}.npz"]


def test_an_unreadable_cache_is_rebuilt(model: SentenceModel, tmp_path: Path) -> None:
    (tmp_path / f"sentences-{model.fingerprint[:20]}.npz").write_bytes(b"not a numpy file")
    vectors = encode_cached(model, ["what is a statin"], tmp_path)
    assert np.allclose(vectors, model.encode(["what is a statin"]), atol=1e-6)
