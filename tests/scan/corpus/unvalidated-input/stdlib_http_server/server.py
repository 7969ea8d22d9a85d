"""A tiny diagnostics server on the standard library's HTTP server."""
import http.server
import os
import re
import subprocess
import urllib.parse

ROOT = os.path.dirname(os.path.abspath(__file__))


class DiagnosticsHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path, query = self.path.split("?", 1) if "?" in self.path else (self.path, "")
        params = dict(
            (match.group("name"), urllib.parse.unquote(match.group("value")))
            for match in re.finditer(r"(?P<name>\w+)=(?P<value>[^&]+)", query)
        )
        if path == "/lookup" and "domain" in params:
            output = subprocess.run(  # expect: PR107
                "nslookup " + params["domain"], shell=True, capture_output=True, text=True
            ).stdout
        elif path == "/file" and "name" in params:
            with open(os.path.join(ROOT, params["name"])) as fh:  # expect: PR107
                output = fh.read()
        elif path == "/log":
            lines = re.findall(r"lines=(\d+)", query)  # digits only
            output = subprocess.run(
                "tail -n " + lines[0] + " /var/log/app.log", shell=True, capture_output=True, text=True
            ).stdout
        else:
            output = "unknown"
        self.send_response(200)
        self.end_headers()
        self.wfile.write(output.encode())

    def do_POST(self):
        fields = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        profile = fields.get("profile", [""])[0]
        if profile in {"small", "large"}:  # an allow-list
            os.system("resize --profile " + profile)
        self.send_response(204)
        self.end_headers()


if __name__ == "__main__":
    http.server.HTTPServer(("127.0.0.1", 8000), DiagnosticsHandler).serve_forever()
