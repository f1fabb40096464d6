"""A stub OpenAI-compatible chat server on loopback, for tests of the written answer: it streams
a scripted reply a word at a time (or fails, or hangs) and records the requests it got."""
import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Stub(BaseHTTPRequestHandler):
    reply = ""  # what the model "writes"
    replies: list = []  # or one reply per request, in order (the last one repeats)
    cut_off = False  # the reply ends at the length limit
    status = 200
    delay_s = 0.0
    requests: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Stub.requests.append({"body": body, "auth": self.headers.get("Authorization")})
        time.sleep(Stub.delay_s)
        if Stub.status != 200:
            self.send_response(Stub.status)
            self.end_headers()
            self.wfile.write(b'{"error": "model not loaded"}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        reply = Stub.replies[min(len(Stub.requests), len(Stub.replies)) - 1] if Stub.replies else Stub.reply
        for word in reply.split(" "):  # streamed a word at a time, as a model does
            event = {"choices": [{"index": 0, "delta": {"content": word + " "}}]}
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
        if Stub.cut_off:  # the model stopped at max_tokens
            event = {"choices": [{"index": 0, "delta": {}, "finish_reason": "length"}]}
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass

    @classmethod
    def script(cls, reply: str | list, status: int = 200, delay_s: float = 0.0, cut_off: bool = False):
        cls.cut_off = cut_off
        many = isinstance(reply, list)
        cls.reply, cls.replies = ("", reply) if many else (reply, [])
        cls.status, cls.delay_s, cls.requests = status, delay_s, []


@contextmanager
def stub_server():
    """Yields the base URL (…/v1) of a running stub."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
