"""A model server for tests that speaks OpenAI's wire protocols over real HTTP.

``POST /v1/responses`` streams Responses API events (what the ``openai`` provider uses) and
``POST /v1/chat/completions`` streams Chat Completions chunks (``openai_compatible``). Every
payload is built from the openai package's own types, so it has the shape the real services
send. Each request takes the next step of a script: a reply (tool calls, then text), an HTTP
error, a stream that breaks off, or a stall. The server runs in a thread with its own event
loop, so tests and benchmarks drive it from any loop, and it records every request and how
long it spent answering it.
"""

import asyncio
import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from openai.types.chat import ChatCompletionChunk
from openai.types.chat.chat_completion_chunk import (
    Choice,
    ChoiceDelta,
    ChoiceDeltaToolCall,
    ChoiceDeltaToolCallFunction,
)
from openai.types.completion_usage import CompletionUsage
from openai.types.responses import (
    Response as ResponsesResponse,
)
from openai.types.responses import (
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseIncompleteEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)
from openai.types.responses.response import IncompleteDetails
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails
from pydantic import BaseModel


@dataclass(frozen=True)
class ToolCall:
    """One function call; ``arguments`` as a dict, or as raw text (to send malformed JSON)."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)

    @property
    def raw_arguments(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments)


@dataclass(frozen=True)
class Reply:
    """A streamed answer: the tool calls (in one response), then the text; ``cut_off``: it
    stops on the output token limit (Responses ``incomplete``, Chat Completions ``length``)."""

    text: str = ""
    calls: tuple[ToolCall, ...] = ()
    cut_off: bool = False


def call(name: str, **arguments: Any) -> Reply:
    """A reply that calls one tool."""
    return Reply(calls=(ToolCall(name, arguments),))


def say(text: str) -> Reply:
    """A reply that is only text."""
    return Reply(text=text)


@dataclass(frozen=True)
class Fault:
    """An HTTP error answer, shaped like OpenAI's error body."""

    status: int
    message: str = "The server had an error while processing your request."
    code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BreakOff:
    """Stream the first ``after`` events of ``reply``, then drop the connection."""

    reply: Reply
    after: int


@dataclass(frozen=True)
class Stall:
    """Say nothing for ``seconds`` (longer than the client waits), then answer 504."""

    seconds: float


@dataclass
class ModelRequest:
    """One request as the server received it, read the same way for both APIs."""

    api: str
    body: dict[str, Any]

    @property
    def system(self) -> str:
        if self.api == "responses":
            return str(self.body.get("instructions") or "")
        first = self.body["messages"][0]
        return str(first["content"]) if first["role"] in ("system", "developer") else ""

    @property
    def tool_names(self) -> list[str]:
        tools = self.body.get("tools") or []
        if self.api == "responses":
            return [tool["name"] for tool in tools]
        return [tool["function"]["name"] for tool in tools]

    def _items(self) -> list[dict[str, Any]]:
        if self.api == "responses":
            raw = self.body["input"]
            return [{"role": "user", "content": raw}] if isinstance(raw, str) else list(raw)
        return list(self.body["messages"])

    @staticmethod
    def _text(content: Any) -> str:
        if isinstance(content, str):
            return content
        return "".join(str(part.get("text") or "") for part in content or [])

    def messages(self) -> list[tuple[str, str]]:
        """(role, text) of the conversation's messages, system prompt excluded."""
        found: list[tuple[str, str]] = []
        for item in self._items():
            role = item.get("role")
            if role in ("user", "assistant") and item.get("type", "message") == "message":
                text = self._text(item.get("content"))
                if text:
                    found.append((role, text))
        return found

    def user_texts(self) -> list[str]:
        return [text for role, text in self.messages() if role == "user"]

    def tool_outputs(self) -> list[tuple[str, str]]:
        """(tool name, output) of every tool result in the input, oldest first."""
        names: dict[str, str] = {}
        outputs: list[tuple[str, str]] = []
        for item in self._items():
            if item.get("type") == "function_call":
                names[item["call_id"]] = item["name"]
            elif item.get("type") == "function_call_output":
                outputs.append((names.get(item["call_id"], "?"), self._text(item["output"])))
            for tool_call in item.get("tool_calls") or []:
                names[tool_call["id"]] = tool_call["function"]["name"]
            if item.get("role") == "tool":
                outputs.append(
                    (names.get(item["tool_call_id"], "?"), self._text(item.get("content")))
                )
        return outputs

    def last_tool_output(self) -> dict[str, Any]:
        """The newest tool result, parsed as JSON."""
        parsed: dict[str, Any] = json.loads(self.tool_outputs()[-1][1])
        return parsed


Step = Reply | Fault | BreakOff | Stall | Callable[[ModelRequest], Any]


@dataclass
class Served:
    """A request and the server's own time answering it (first byte in to last byte out)."""

    request: ModelRequest
    seconds: float


def _id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def _sse(event: BaseModel, *, named: bool) -> bytes:
    data = event.model_dump_json(exclude_unset=True)
    if named:
        name = event.model_dump(include={"type"})["type"]
        return f"event: {name}\ndata: {data}\n\n".encode()
    return f"data: {data}\n\n".encode()


def _pieces(text: str, size: int = 12) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def responses_events(reply: Reply, model: str) -> list[BaseModel]:
    """The Responses API stream of ``reply``: created, each output item, then completed (or
    incomplete, when it is cut off)."""
    response_id = _id("resp")
    created_at = time.time()

    def response(status: str, output: list[Any]) -> ResponsesResponse:
        return ResponsesResponse(
            id=response_id,
            created_at=created_at,
            model=model,
            object="response",
            output=output,
            parallel_tool_calls=True,
            tool_choice="auto",
            tools=[],
            status=status,
            incomplete_details=IncompleteDetails(reason="max_output_tokens")
            if status == "incomplete"
            else None,
            usage=ResponseUsage(
                input_tokens=10,
                input_tokens_details=InputTokensDetails(cached_tokens=0, cache_write_tokens=0),
                output_tokens=5,
                output_tokens_details=OutputTokensDetails(reasoning_tokens=0),
                total_tokens=15,
            )
            if status != "in_progress"
            else None,
        )

    events: list[BaseModel] = []

    def add(event_type: type[BaseModel], **fields: Any) -> None:
        events.append(event_type(sequence_number=len(events), **fields))

    add(ResponseCreatedEvent, type="response.created", response=response("in_progress", []))
    output: list[Any] = []
    for call_ in reply.calls:
        index = len(output)
        item_id, call_id = _id("fc"), _id("call")
        started = ResponseFunctionToolCall(
            id=item_id,
            call_id=call_id,
            name=call_.name,
            arguments="",
            type="function_call",
            status="in_progress",
        )
        add(
            ResponseOutputItemAddedEvent,
            type="response.output_item.added",
            item=started,
            output_index=index,
        )
        for piece in _pieces(call_.raw_arguments):
            add(
                ResponseFunctionCallArgumentsDeltaEvent,
                type="response.function_call_arguments.delta",
                item_id=item_id,
                output_index=index,
                delta=piece,
            )
        add(
            ResponseFunctionCallArgumentsDoneEvent,
            type="response.function_call_arguments.done",
            item_id=item_id,
            output_index=index,
            name=call_.name,
            arguments=call_.raw_arguments,
        )
        done = started.model_copy(update={"arguments": call_.raw_arguments, "status": "completed"})
        add(
            ResponseOutputItemDoneEvent,
            type="response.output_item.done",
            item=done,
            output_index=index,
        )
        output.append(done)
    if reply.text or not reply.calls:
        index = len(output)
        message_id = _id("msg")
        empty = ResponseOutputMessage(
            id=message_id, content=[], role="assistant", status="in_progress", type="message"
        )
        add(
            ResponseOutputItemAddedEvent,
            type="response.output_item.added",
            item=empty,
            output_index=index,
        )
        part = ResponseOutputText(annotations=[], text="", type="output_text", logprobs=[])
        add(
            ResponseContentPartAddedEvent,
            type="response.content_part.added",
            item_id=message_id,
            output_index=index,
            content_index=0,
            part=part,
        )
        for piece in _pieces(reply.text):
            add(
                ResponseTextDeltaEvent,
                type="response.output_text.delta",
                item_id=message_id,
                output_index=index,
                content_index=0,
                delta=piece,
                logprobs=[],
            )
        add(
            ResponseTextDoneEvent,
            type="response.output_text.done",
            item_id=message_id,
            output_index=index,
            content_index=0,
            text=reply.text,
            logprobs=[],
        )
        full = part.model_copy(update={"text": reply.text})
        add(
            ResponseContentPartDoneEvent,
            type="response.content_part.done",
            item_id=message_id,
            output_index=index,
            content_index=0,
            part=full,
        )
        status = "incomplete" if reply.cut_off else "completed"
        message = empty.model_copy(update={"content": [full], "status": status})
        add(
            ResponseOutputItemDoneEvent,
            type="response.output_item.done",
            item=message,
            output_index=index,
        )
        output.append(message)
    if reply.cut_off:
        add(
            ResponseIncompleteEvent,
            type="response.incomplete",
            response=response("incomplete", output),
        )
    else:
        add(
            ResponseCompletedEvent,
            type="response.completed",
            response=response("completed", output),
        )
    return events


def chat_chunks(reply: Reply, model: str, *, usage: bool) -> list[BaseModel]:
    """The Chat Completions stream of ``reply``: role, text deltas, tool call deltas, finish."""
    completion_id, created = _id("chatcmpl"), int(time.time())

    def chunk(delta: ChoiceDelta, finish: str | None = None) -> ChatCompletionChunk:
        return ChatCompletionChunk(
            id=completion_id,
            created=created,
            model=model,
            object="chat.completion.chunk",
            choices=[Choice(index=0, delta=delta, finish_reason=finish)],
        )

    chunks: list[BaseModel] = [chunk(ChoiceDelta(role="assistant", content=""))]
    for piece in _pieces(reply.text) if reply.text else []:
        chunks.append(chunk(ChoiceDelta(content=piece)))
    for index, call_ in enumerate(reply.calls):
        opening = ChoiceDeltaToolCall(
            index=index,
            id=_id("call"),
            type="function",
            function=ChoiceDeltaToolCallFunction(name=call_.name, arguments=""),
        )
        chunks.append(chunk(ChoiceDelta(tool_calls=[opening])))
        for piece in _pieces(call_.raw_arguments):
            more = ChoiceDeltaToolCall(
                index=index, function=ChoiceDeltaToolCallFunction(arguments=piece)
            )
            chunks.append(chunk(ChoiceDelta(tool_calls=[more])))
    finish = "length" if reply.cut_off else "tool_calls" if reply.calls else "stop"
    chunks.append(chunk(ChoiceDelta(), finish))
    if usage:
        chunks.append(
            ChatCompletionChunk(
                id=completion_id,
                created=created,
                model=model,
                object="chat.completion.chunk",
                choices=[],
                usage=CompletionUsage(prompt_tokens=10, completion_tokens=5, total_tokens=15),
            )
        )
    return chunks


class ModelServer:
    """The scripted server on 127.0.0.1:``port`` (a free one by default), in its own thread."""

    def __init__(self, port: int = 0) -> None:
        self.script: deque[Step] = deque()
        self.default: Step | None = None
        self.served: list[Served] = []
        self._lock = threading.Lock()
        self._port = port
        self._thread: threading.Thread | None = None
        self._server: uvicorn.Server | None = None
        self.app = self._build_app()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def play(self, *steps: Step) -> None:
        """Forget the previous script and requests; answer the next requests with ``steps``."""
        with self._lock:
            self.script.clear()
            self.script.extend(steps)
            self.served.clear()

    def requests(self) -> list[ModelRequest]:
        with self._lock:
            return [served.request for served in self.served]

    def left(self) -> int:
        """Steps of the script not yet used."""
        with self._lock:
            return len(self.script)

    def _next_step(self, request: ModelRequest) -> Reply | Fault | BreakOff | Stall:
        with self._lock:
            step = self.script.popleft() if self.script else self.default
        if step is None:
            return Fault(500, "the test script has no step for this request")
        while not isinstance(step, (Reply, Fault, BreakOff, Stall)):
            step = step(request)
        return step

    def _record(self, request: ModelRequest, started: float) -> None:
        with self._lock:
            self.served.append(Served(request, time.perf_counter() - started))

    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/healthz")
        async def healthz() -> dict[str, bool]:
            return {"ok": True}

        @app.post("/v1/responses")
        async def responses(request: Request) -> Response:
            return await self._answer("responses", request)

        @app.post("/v1/chat/completions")
        async def chat_completions(request: Request) -> Response:
            return await self._answer("chat", request)

        return app

    async def _answer(self, api: str, http_request: Request) -> Response:
        started = time.perf_counter()
        body = json.loads(await http_request.body())
        request = ModelRequest(api, body)
        step = self._next_step(request)
        if isinstance(step, Stall):
            # Not recorded: by now the client gave up, and a later test may be running.
            await asyncio.sleep(step.seconds)
            return Response(status_code=504)
        if isinstance(step, Fault):
            self._record(request, started)
            error = {
                "error": {
                    "message": step.message,
                    "type": "server_error" if step.status >= 500 else "invalid_request_error",
                    "param": None,
                    "code": step.code,
                }
            }
            return JSONResponse(error, status_code=step.status, headers=step.headers)
        reply, cut = (step.reply, step.after) if isinstance(step, BreakOff) else (step, None)
        model = str(body.get("model", "test-model"))
        if api == "responses":
            events = responses_events(reply, model)
            frames = [_sse(event, named=True) for event in events]
        else:
            usage = bool((body.get("stream_options") or {}).get("include_usage"))
            chunks = chat_chunks(reply, model, usage=usage)
            frames = [_sse(chunk, named=False) for chunk in chunks] + [b"data: [DONE]\n\n"]
        if not body.get("stream"):
            self._record(request, started)
            return JSONResponse({"error": {"message": "only streaming is scripted"}}, 400)

        async def stream() -> AsyncIterator[bytes]:
            try:
                for index, frame in enumerate(frames):
                    if cut is not None and index == cut:
                        # Ends the response without its last chunk: the client sees the
                        # connection drop in the middle of the stream.
                        raise ConnectionAbortedError("the scripted stream breaks off here")
                    yield frame
            finally:
                self._record(request, started)

        return StreamingResponse(stream(), media_type="text/event-stream")

    def start(self) -> "ModelServer":
        """Serve in a thread; returns once the port accepts connections."""
        if self._port == 0:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self._port = probe.getsockname()[1]
        # uvicorn binds the port itself: connections accepted on a socket handed to it answered
        # ~40 ms late here (a delayed ACK), which would count as the gateway's time.
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self._port,
            log_level="critical",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=lambda: asyncio.run(server.serve()), name="model-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the model server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving; the port refuses connections until ``start`` again."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(15)
        self._server = None
        self._thread = None
