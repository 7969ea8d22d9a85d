"""Thin client for a hosted LLM API, with usage logging."""

import logging
import os

import httpx

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-4o-mini"


class LLMClient:
    def __init__(self, api_key: str | None = None, base_url: str = "https://api.openai.com/v1"):
        self.api_key = api_key or os.environ["OPENAI_API_KEY"]
        self.base_url = base_url
        self._log = logging.getLogger("llm")
        logger.debug("Using API key %s", self.api_key)  # expect: PR104
        logger.info("LLM client for %s, key prefix %s...", base_url, self.api_key[:4])
        self._log.info("api key configured: %s", "yes" if self.api_key else "no")

    def _headers(self):
        headers = {"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"}
        logger.debug("request headers: %s", headers)  # expect: PR104
        return headers

    def complete(self, prompt: str, max_tokens: int = 512, temperature: float = 0.2):
        logger.info("completion request: model=%s max_tokens=%d", DEFAULT_MODEL, max_tokens)
        body = {
            "model": DEFAULT_MODEL,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        logger.debug("prompt length %d chars", len(prompt))
        with httpx.Client(timeout=60) as client:
            resp = client.post(
                f"{self.base_url}/chat/completions", json=body, headers=self._headers()
            )
        usage = resp.json().get("usage", {})
        logger.info(
            "tokens used: prompt=%s completion=%s total=%s",
            usage.get("prompt_tokens"),
            usage.get("completion_tokens"),
            usage.get("total_tokens"),
        )
        self._log.debug("response headers: %s", dict(resp.headers))
        return resp.json()["choices"][0]["message"]["content"]

    def list_models(self):
        headers = {"Accept": "application/json"}
        logger.debug("listing models with headers %s", headers)
        with httpx.Client(timeout=30) as client:
            resp = client.get(f"{self.base_url}/models", headers={**headers, **self._headers()})
        return [m["id"] for m in resp.json()["data"]]

    def rotate_key(self, new_key: str):
        logger.warning("rotating API key from %s to %s", self.api_key, new_key)  # expect: PR104
        self.api_key = new_key
        logger.info("API key rotated, new key has %d characters", len(new_key))


def count_tokens(text: str) -> int:
    tokens = text.split()
    logger.debug("counted %d tokens", len(tokens))
    return len(tokens)


def debug_env():
    print("environment:", dict(os.environ))  # expect: PR104
    print("OPENAI_API_KEY set:", "OPENAI_API_KEY" in os.environ)
    print("OPENAI_API_KEY:", os.environ.get("OPENAI_API_KEY"))  # expect: PR104
    print("OPENAI_BASE_URL:", os.environ.get("OPENAI_BASE_URL"))
