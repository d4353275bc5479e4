"""A throwaway HTTP server for tests/notify.rs: saves each POST (path, headers by lower-case name, body) as
DIR/post-N.json and answers STATUS (default 200). Writes its port to DIR/ready once it
listens; runs until killed.

usage: http_sink.py DIR [STATUS]
"""
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

out = sys.argv[1]
status = int(sys.argv[2]) if len(sys.argv) > 2 else 200
lock = threading.Lock()
count = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count += 1
            n = count
        path = os.path.join(out, f"post-{n}.json")
        with open(path + ".part", "w") as f:
            json.dump({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                       "body": body.decode("utf-8", "replace")}, f)
        os.rename(path + ".part", path)
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(out, "ready.part"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(out, "ready.part"), os.path.join(out, "ready"))
server.serve_forever()
