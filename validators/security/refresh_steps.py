"""Shell steps that replay a refresh-token failure: one curl cannot, since the token it would
send was spent or revoked in the harness's run, on a database that is gone.

The steps register the check's account again (a 409 on a database that has it is harmless),
log in, and take the tokens from the answers with jq, as a learner reproduces the sequence on
their own app.
"""

from __future__ import annotations

from harness.httpclient import curl_for

from .account_setup import LOGOUT, REFRESH, Account, Tokens

# An answer shown with its status line; -w '\n' ends its body with a newline, so that the next
# answer's status line starts a line of its own.
SHOWN = "curl -i -w '\\n'"


def _quiet(curl: str) -> str:
    return curl.replace("curl -i", "curl -s", 1)


def _refresh(variable: str, *, shown: bool) -> str:
    # '"$R1"' leaves the single-quoted JSON for the shell to put the token in.
    body = '\'{"refresh_token": "\'"$' + variable + '"\'"}\''
    return (f"{SHOWN if shown else 'curl -s'} -X POST -H 'content-type: application/json' --data-raw {body} "
            f"\"http://localhost:$PORT{REFRESH}\"")


def _start(account: Account, login: Tokens) -> list[str]:
    return [f"{_quiet(curl_for(account.response.request))} -o /dev/null",
            f"L=$({_quiet(curl_for(login.response.request))})",
            "R1=$(echo \"$L\" | jq -r .refresh_token); A=$(echo \"$L\" | jq -r .access_token)"]


def reuse_steps(account: Account, login: Tokens) -> str:
    """Refresh once, then present the spent token, then its successor: both must get 401."""
    return "\n".join([*_start(account, login),
                      f"R2=$({_refresh('R1', shown=False)} | jq -r .refresh_token)",
                      f"{_refresh('R1', shown=True)}   # spent: 401",
                      f"R1=$R2; {_refresh('R1', shown=True)}   # its successor, after the reuse: 401"])


def logout_steps(account: Account, login: Tokens) -> str:
    """Log out with the refresh token, then refresh with it: 401."""
    logout = (f"curl -s -X POST -H \"authorization: Bearer $A\" -H 'content-type: application/json' --data-raw "
              '\'{"refresh_token": "\'"$R1"\'"}\' ' f"\"http://localhost:$PORT{LOGOUT}\" -o /dev/null")
    return "\n".join([*_start(account, login), logout,
                      f"{_refresh('R1', shown=True)}   # after logout: 401"])
