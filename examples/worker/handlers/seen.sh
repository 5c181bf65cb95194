#!/bin/sh
# An exec handler in the shell: jq reads one request after another from stdin and answers each
# on its own line with the request's payload plus "seen": true (docs/handlers.md).
exec jq --compact-output --unbuffered '{id: .id, outputs: [.packet.payload + {seen: true}]}'
