"""Plays a visitor and an expert against `ebb serve --demo` through nginx (scripts/proxy-test).

Every request goes over HTTPS to nginx; each simulated client connects from its own
loopback address (127.0.0.x), so Ebb can only tell them apart by the X-Forwarded-For that
nginx appends. Usage: proxy-player.py BASE_URL CA_CERT RATE_PER_IP
"""

import asyncio
import http.client
import json
import ssl
import sys
import urllib.parse

import websockets

BASE, CA, RATE = sys.argv[1], sys.argv[2], int(sys.argv[3])
URL = urllib.parse.urlsplit(BASE)
TLS = ssl.create_default_context(cafile=CA)
WAIT = 20  # seconds any single expected frame may take before the run fails

EXPERT_IP, VISITOR_IP, FLOODER_IP, NEIGHBOUR_IP = "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"


def call(method, path, source, body=None, token=None, headers=None):
    """One HTTPS request through nginx from `source`: (status, headers, JSON body or None)."""
    conn = http.client.HTTPSConnection(
        URL.hostname, URL.port, context=TLS, source_address=(source, 0), timeout=WAIT
    )
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body)
        sent["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=sent)
    resp = conn.getresponse()
    raw = resp.read()
    conn.close()
    kind = resp.getheader("content-type") or ""
    parsed = json.loads(raw) if raw and "json" in kind else None
    return resp.status, resp.headers, parsed


def expect(what, status, wanted, body=None):
    if status != wanted:
        sys.exit(f"FAIL {what}: status {status}, wanted {wanted}: {body}")
    print(f"ok   {what} ({status})")


async def socket(query, source):
    """A WebSocket to /ws through nginx from `source`, after its `hello` frame."""
    url = f"wss://{URL.hostname}:{URL.port}/ws?{urllib.parse.urlencode(query)}"
    ws = await websockets.connect(url, ssl=TLS, local_addr=(source, 0), open_timeout=WAIT)
    hello = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
    if hello.get("type") != "hello":
        sys.exit(f"FAIL first frame is not hello: {hello}")
    return ws


async def entry_with(ws, conversation, text, who):
    """Waits on `ws` for the message entry `text` of `conversation`."""
    async def wait():
        while True:
            frame = json.loads(await ws.recv())
            entry = frame.get("entry") or {}
            if (
                frame.get("type") == "entry"
                and frame.get("conversation") == conversation
                and entry.get("body") == text
            ):
                return entry

    try:
        entry = await asyncio.wait_for(wait(), WAIT)
    except asyncio.TimeoutError:
        sys.exit(f"FAIL {who} never received {text!r} on the WebSocket")
    print(f"ok   {who} received {text!r} over wss through nginx (seq {entry['seq']})")


async def conversation():
    s, headers, body = call(
        "POST", "/api/v1/auth/login", EXPERT_IP,
        {"brand": "demo", "email": "ada@demo.ebb", "password": "ebb-demo"},
    )
    expect("expert logs in over https", s, 201, body)
    if headers.get("x-content-type-options") != "nosniff" or headers.get("cache-control") != "no-store":
        sys.exit(f"FAIL the security headers did not cross nginx: {dict(headers)}")
    expert = body["token"]
    s, _, body = call("PUT", "/api/v1/expert/status", EXPERT_IP, {"status": "available"}, expert)
    expect("expert is available", s, 204, body)
    expert_ws = await socket({"token": expert}, EXPERT_IP)

    s, _, body = call("POST", "/api/v1/widget/demo/visitors", VISITOR_IP)
    expect("visitor arrives", s, 201, body)
    visitor = body["token"]
    visitor_ws = await socket({"brand": "demo", "token": visitor}, VISITOR_IP)
    first = "Hello through nginx: does the Ridge 2 tent fit two?"
    s, _, body = call(
        "POST", "/api/v1/widget/demo/conversations", VISITOR_IP, {"body": first}, visitor
    )
    expect("visitor starts a conversation over https", s, 201, body)
    conv = body["conversation"]["id"]
    await entry_with(expert_ws, conv, first, "expert")

    reply = "Yes, with room for two packs."
    s, _, body = call(
        "POST", f"/api/v1/expert/conversations/{conv}/messages", EXPERT_IP, {"body": reply}, expert
    )
    expect("expert replies over https", s, 201, body)
    await entry_with(visitor_ws, conv, reply, "visitor")

    again = "Great, thanks!"
    s, _, body = call(
        "POST", f"/api/v1/widget/demo/conversations/{conv}/messages", VISITOR_IP, {"body": again}, visitor
    )
    expect("visitor writes again over https", s, 201, body)
    await entry_with(expert_ws, conv, again, "expert")
    await expert_ws.close()
    await visitor_ws.close()


def rate_limit():
    """The per-IP limit counts the forwarded address, and a forged one changes nothing."""
    statuses = []
    for n in range(RATE + 1):
        forged = {"X-Forwarded-For": f"198.51.100.{n % 250}"}
        s, _, _ = call("GET", "/api/v1/widget/demo", FLOODER_IP, headers=forged)
        statuses.append(s)
    if statuses[:RATE] != [200] * RATE or statuses[RATE] != 429:
        sys.exit(f"FAIL {FLOODER_IP} (forging X-Forwarded-For) was not limited at {RATE}: {statuses}")
    print(f"ok   {FLOODER_IP} is limited after {RATE} requests, forged X-Forwarded-For or not (429)")
    s, _, body = call("GET", "/api/v1/widget/demo", NEIGHBOUR_IP)
    expect(f"{NEIGHBOUR_IP}, behind the same nginx, has its own limit", s, 200, body)


asyncio.run(conversation())
rate_limit()
print("proxy-test: all passed")
