# The README's "From zero to a DSN with curl" walk-through, run as is by test/e2e/admin-walkthrough.e2e-spec.ts.
BASE=${BASE:-http://localhost:8000}
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT
csrf() { awk '$6 == "csrftoken" { print $7 }' "$JAR"; }

# 1. Open a session the way a browser does: the first response hands out the csrftoken cookie.
curl -s -c "$JAR" -b "$JAR" "$BASE/_allauth/browser/v1/auth/session" > /dev/null

# 2. Register (always open while the instance has no user): this logs you in and renews csrftoken.
curl -s -c "$JAR" -b "$JAR" -H "X-CSRFToken: $(csrf)" -H 'Content-Type: application/json' \
  -d '{"email": "you@example.com", "password": "a long passphrase"}' \
  "$BASE/_allauth/browser/v1/auth/signup" > /dev/null

# 3. Make an API token from the session (tokens are only made there); everything else can use it.
TOKEN=$(curl -s -c "$JAR" -b "$JAR" -H "X-CSRFToken: $(csrf)" -H 'Content-Type: application/json' \
  -d '{"label": "cli", "scopes": ["org:admin", "team:admin", "project:admin", "member:admin", "event:admin"]}' \
  "$BASE/api/0/api-tokens/" | grep -o '"token":"[0-9a-f]*"' | cut -d'"' -f4)

# 4. An organization, a team in it and a project in the team (which comes with a DSN key).
api() { curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
api -d '{"name": "Acme"}' "$BASE/api/0/organizations/" > /dev/null
api -d '{"slug": "backend-team"}' "$BASE/api/0/organizations/acme/teams/" > /dev/null
api -d '{"name": "Backend", "platform": "python"}' "$BASE/api/0/teams/acme/backend-team/projects/" > /dev/null

# 5. The DSN to give your SDK.
api "$BASE/api/0/projects/acme/backend/keys/" | grep -o '"public":"http[^"]*"' | cut -d'"' -f4
