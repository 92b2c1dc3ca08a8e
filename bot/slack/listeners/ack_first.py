"""Registering listeners so that Slack is acknowledged before any work, and the work runs after.

Slack gives a command, a button or an event 3 seconds to get its HTTP 200; after that /ask and
/brief fail for the person and an event is sent again. Bolt by default runs the whole listener,
its ack() included, on a pool of five threads: when five answers are waiting on a slow Web API
call (a slow Slack, a 429 back-off), the next ack() waits behind them and Slack gets Bolt's 404
"unhandled request". So the app processes before it responds (`process_before_response`), and
every listener registered here is a Bolt lazy listener: its ack function only acknowledges, on
the request's own thread, and the listener itself runs afterwards on the listener pool.

Listeners are written as Bolt's starter writes them (`ack()` first, then the work); the ack()
they call runs after the acknowledgement has gone, and does nothing. A listener that has to
answer in its ack (a modal's validation errors) cannot be registered here.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_bolt.kwargs_injection.args import Args
from slack_sdk import WebClient

from bot.answering.templates import Templates

log = logging.getLogger(__name__)
Listener = Callable[..., None]
Register = Callable[..., Any]  # what app.command(...) and the like return


def acknowledge(ack: Ack) -> None:
    """The HTTP 200 Slack waits for, sent before any Web API call is made."""
    ack()


class AckFirst:
    """Bolt's decorators for the kinds of listener the bot has, each acknowledged at once."""

    def __init__(self, app: App, *, templates: Templates) -> None:
        self._app = app
        self._templates = templates

    def command(self, name: str) -> Callable[[Listener], Listener]:
        return self._later(self._app.command(name))

    def action(self, action_id: str) -> Callable[[Listener], Listener]:
        return self._later(self._app.action(action_id))

    def event(self, kind: str) -> Callable[[Listener], Listener]:
        return self._later(self._app.event(kind))

    def shortcut(self, callback_id: str) -> Callable[[Listener], Listener]:
        return self._later(self._app.shortcut(callback_id))

    def view(self, callback_id: str) -> Callable[[Listener], Listener]:
        return self._later(self._app.view(callback_id))

    def _later(self, register: Register) -> Callable[[Listener], Listener]:
        def decorate(listener: Listener) -> Listener:
            register(ack=acknowledge, lazy=[self._reported(listener)])
            return listener

        return decorate

    def _reported(self, listener: Listener) -> Callable[[Args], None]:
        """The listener as a lazy function. Bolt only logs a lazy function's exception, in
        one line: this logs the trace and tells the person, as the app's error handler does
        for a failure before the acknowledgement."""
        names = list(inspect.signature(listener).parameters)

        def run_later(args: Args) -> None:  # Bolt passes every argument it has as `args`
            try:
                listener(**{name: getattr(args, name) for name in names})
            except Exception:
                log.error("listener %s failed", listener.__name__, exc_info=True)
                tell_of_failure(self._templates, args.body, args.client, args.respond)

        run_later.__name__ = run_later.__qualname__ = listener.__name__
        return run_later


def tell_of_failure(
    templates: Templates, body: dict[str, Any], client: WebClient, respond: Respond | None
) -> None:
    """One short, friendly line to the person whose request failed (the details are in the
    log): privately through response_url, or in the thread of the message being answered."""
    message = templates.render("slack_error")
    try:
        if body.get("response_url") and respond is not None:
            respond(response_type="ephemeral", replace_original=False, text=message)
        elif (event := body.get("event") or {}).get("channel") and event.get("ts"):
            thread = event.get("thread_ts") or event["ts"]
            client.chat_postMessage(channel=event["channel"], thread_ts=thread, text=message)
    except Exception:  # best effort: the failure itself is logged already
        log.warning("could not tell the user about the failure", exc_info=True)
