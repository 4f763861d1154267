"""One client's huge prompt does not stall the others.

Detection runs in worker threads, one segment at a time in first-come-first-served turns,
so while a large prompt is being masked the event loop keeps serving and a small request
from another client waits for at most one segment of the large one.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from veil.pii.engine import PiiEngine
from veil.pii.entity import Entity
from veil.pii.proxy import create_app

from .proxy_harness import Upstream, serve, upstream_app

SENTENCE = (
    "My name is Ada Lovelace, write to ada.lovelace@example.com or call +1 415 555 0132. "
    "We met Charles Babbage in London to discuss the engine and its cards. "
)


class Observed:
    """The real engine, with a flag raised when it starts on a text longer than ``big``."""

    def __init__(self, engine: PiiEngine, big: int) -> None:
        self.engine = engine
        self.big = big
        self.big_started = threading.Event()

    def detect_batch(self, texts: list[str]) -> list[list[Entity]]:
        if sum(map(len, texts)) >= self.big:
            self.big_started.set()
        return self.engine.detect_batch(texts)


@pytest.mark.slow
def test_a_small_request_is_answered_while_a_large_one_is_masked(pii_engine: PiiEngine) -> None:
    observed = Observed(pii_engine, big=10_000)
    record = Upstream()
    # ~1.1 MB of dense personal data: several seconds of detection. At 540 KB the ratio bound below
    # failed once in CI (small 1.74 s against big 4.88 s on two loaded cores) after the engine got
    # faster; quiet, small was 0.32 s against big 3.06 s. The property is that small does not grow
    # with big, so a larger big gives the bound its margin back without loosening it.
    big_prompt = SENTENCE * 7_000
    small = {"model": "fake-model", "messages": [{"role": "user", "content": "Hello, I am Grace Hopper."}]}
    big = {"model": "fake-model", "messages": [{"role": "user", "content": big_prompt}]}
    timings: dict[str, float] = {}

    def send_big(url: str) -> None:
        start = time.monotonic()
        response = httpx.post(f"{url}/v1/chat/completions", json=big, timeout=600)
        timings["big"] = time.monotonic() - start
        timings["big_done"] = time.monotonic()
        assert response.status_code == 200

    with serve(upstream_app(record)) as up, serve(create_app(None, observed, f"{up}/v1")) as url:
        httpx.post(f"{url}/v1/chat/completions", json=small, timeout=60)  # warm up the model
        thread = threading.Thread(target=send_big, args=(url,))
        thread.start()
        assert observed.big_started.wait(120), "the large request never reached detection"
        start = time.monotonic()
        health = httpx.get(f"{url}/healthz", timeout=60)
        timings["health"] = time.monotonic() - start
        start = time.monotonic()
        response = httpx.post(f"{url}/v1/chat/completions", json=small, timeout=60)
        timings["small"] = time.monotonic() - start
        timings["small_done"] = time.monotonic()
        thread.join(600)
    assert health.status_code == 200 and response.status_code == 200
    assert "Grace Hopper" in response.json()["choices"][0]["message"]["content"]  # restored
    print(f"\nproxy fairness: {timings}")
    # The small request finished long before the large one, within a bound that does not
    # depend on the large prompt's size (one segment of it, plus its own work).
    assert timings["small_done"] < timings["big_done"]
    assert timings["health"] < 1.0
    assert timings["small"] < 3.0
    assert timings["small"] < timings["big"] / 3
    bodies: list[Any] = record.bodies()
    assert len(bodies) == 3 and all("Lovelace" not in str(b) for b in bodies)
