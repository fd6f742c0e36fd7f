"""The HTTP JSON API every owner process serves (DESIGN §2, §10).

`endpoints` declares each route once (method, path, body and response models, the Workspace
call); `handlers` turns the table into Tornado handlers with auth and `{error, detail}` errors;
`openapi` documents the same table; `server` runs it on a loopback port for owners that have
no Panel server, and `record` writes and reads `server.json`.
"""

# A write's header naming the moment (Unix time) its client stops waiting: the owner drops a
# write it only reaches later, since the client has already reported it as failed.
DEADLINE_HEADER = "X-Novelcraft-Deadline"
WRITE_METHODS = ("POST", "PUT", "DELETE")
