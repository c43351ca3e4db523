#!/usr/bin/env bash
# Mints an HS256 JWT for the example app, for local use only.
#   ./mint-token.sh [subject] [role...]     e.g.  TOKEN=$(./mint-token.sh alice ADMIN)
# The secret comes from EXAMPLE_JWT_SECRET, else the app's local default in application.properties.
set -euo pipefail
subject="${1:-admin}"
shift || true
roles=("$@")
[ ${#roles[@]} -eq 0 ] && roles=(ADMIN)
secret="${EXAMPLE_JWT_SECRET:-change-me-local-dev-secret-of-32-bytes+}"
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
role_json=$(printf '"%s",' "${roles[@]}")
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"sub":"%s","roles":[%s],"iat":%d,"exp":%d}' "$subject" "${role_json%,}" "$now" "$((now + 3600))" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
