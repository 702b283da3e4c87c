"""Honest waiting for heavy jobs: when too many already wait in their lane, a new one is refused at the
door with how long to wait, read from Gradio's queue (the lane's waiting and running jobs times the
average run time of its endpoints so far). A job that is let in shows its place in the queue and
Gradio's estimate while it waits.

Gradio's own queue-full answer names no wait (the browser and gradio_client both print a fixed line),
and an event validator would decode every upload twice, so the door stands in front of the queue's
`push` and answers the way a failed validation does: the browser shows the sentence on the call's first
input and gradio_client raises it as a ValidationError.
"""
import math

import gradio as gr
from gradio import route_utils

FIRST_GUESS_S = 3.0      # a heavy job's run time before the lane has timed one


class Door:
    """One lane's door: `max_waiting` jobs may wait in it."""

    def __init__(self, lane: str, max_waiting: int) -> None:
        self.lane, self.max_waiting = lane, max_waiting
        self.queue = None

    def attach(self, app: gr.Blocks) -> None:
        """Stand in front of the app's queue (call after app.queue())."""
        self.queue = queue = app._queue
        push = queue.push

        async def push_through_door(body, request, username):
            try:
                fn = route_utils.get_fn(queue.blocks, None, body)
            except Exception:            # the queue's own push answers malformed calls
                return await push(body, request, username)
            verdicts = self.check(fn) if fn.concurrency_id == self.lane else None
            if verdicts:
                return False, verdicts, "validator_error"
            return await push(body, request, username)

        queue.push = push_through_door

    def _lane(self):
        return self.queue.event_queue_per_concurrency_id.get(self.lane) if self.queue else None

    def wait_s(self) -> float:
        """Seconds until a job joining the lane now would start."""
        lane = self._lane()
        if lane is None:
            return 0.0
        timed = [t.avg_time for fn, t in self.queue.process_time_per_fn.items()
                 if fn.concurrency_id == self.lane and t.count]
        each = sum(timed) / len(timed) if timed else FIRST_GUESS_S
        return (len(lane.queue) + lane.current_concurrency) * each / max(1, lane.concurrency_limit or 1)

    def check(self, fn) -> list[dict] | None:
        """None lets the call in; else one verdict per input of `fn`, the first naming the jobs ahead and
        the wait (the shape of a failed validation)."""
        lane = self._lane()
        if lane is None or len(lane.queue) < self.max_waiting:
            return None
        seconds = 5 * math.ceil(self.wait_s() / 5)
        message = (f"The studio is busy: {len(lane.queue)} heavy jobs are waiting for the "
                   f"{lane.concurrency_limit or 1} that run at a time. Try again in about {seconds} s; "
                   "nothing you set here is lost.")
        names = list(fn.input_parameter_names or []) or [f"parameter_{i}" for i in range(len(fn.inputs))]
        return [dict(gr.validate(i > 0, "" if i else message), parameter_name=name) for i, name in enumerate(names)]
