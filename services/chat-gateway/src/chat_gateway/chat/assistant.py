"""The task assistant: its instructions and the agent of each app, shared by its turns."""

from agents import Agent, FunctionTool, ModelSettings, RunContextWrapper
from chatkit.agents import AgentContext

from chat_gateway.apps import AppCaller
from chat_gateway.chat.request_context import RequestContext

ASSISTANT_NAME = "Task assistant"

_INSTRUCTIONS = """\
You are a task assistant. You help the user keep track of their to-do tasks: add, find, list,
change, complete, reopen, delete and restore tasks, and clear completed ones.

- Act through the tools; never claim a change you did not make with a tool.
- Tasks are identified by id. When the user says "the second one", "#2" or "it", take the id
  from the latest "[task list shown]" or "[task shown]" message in the conversation; if that
  does not settle it, call list_tasks (with a query when the user names the task).
- Due dates are YYYY-MM-DD in the user's time zone; resolve "today", "tomorrow" or "next
  Monday" from the current local time below.
- The user sees the result of your last tool call as a task card or list. Reply with one short
  sentence about the outcome ("You have 3 open tasks.", "Marked 'Buy milk' as completed.");
  never list the tasks or repeat the card's fields. Lookups you make on the way to a change
  are not shown. A change whose result has an empty "previous" changed nothing (the task was
  already done, or already open): say so.
- delete_task and clear_completed only ask for confirmation: when a tool answers
  "confirmation_required", reply in one short sentence asking the user to confirm with the
  buttons. undo_last_change reverts the user's last change in this conversation.
- When a tool reports an error, explain it briefly and say what the user can do.
- Tools of other services (notes, for example) work the same way: their records are
  identified by id, taken from the latest "[record list shown]" or "[record shown]" message.
  A request that needs tools of two services ("add a task and save it in my notes") is done
  with one tool call per service.
"""


def instructions(context: RequestContext) -> str:
    """The app's system instructions (the task assistant's by default), ending with the
    user's current local time."""
    caller = context.user_id
    own = caller.app.instructions if isinstance(caller, AppCaller) else None
    now = context.now().replace(microsecond=0).isoformat()
    return f"{own or _INSTRUCTIONS}\nCurrent local time: {now} ({context.timezone})"


ChatAgent = Agent[AgentContext[RequestContext]]


def _run_instructions(
    run: RunContextWrapper[AgentContext[RequestContext]], agent: ChatAgent
) -> str:
    return instructions(run.context.request_context)


def build_agent(
    tools: list[FunctionTool], model_name: str | None, model_settings: ModelSettings
) -> ChatAgent:
    """The agent of one set of tools; its instructions are read for each run's user."""
    return Agent(
        name=ASSISTANT_NAME,
        instructions=_run_instructions,
        model=model_name,
        tools=list(tools),
        model_settings=model_settings,
    )


class Assistants:
    """One agent per app, built once and rebuilt only when the app's tools change.

    An agent holds no per-run state (the SDK keeps that in each run), so concurrent turns of
    different users of an app share it; what differs per user (the time in the instructions,
    the identity of tool calls) comes from each run's context.
    """

    def __init__(self, model_name: str | None, model_settings: ModelSettings) -> None:
        self._model_name = model_name
        self._model_settings = model_settings
        self._agents: dict[str, tuple[list[FunctionTool], ChatAgent]] = {}

    def agent(self, app_id: str, tools: list[FunctionTool]) -> ChatAgent:
        """The agent of ``app_id`` with ``tools`` (the list the tool cache hands out)."""
        cached = self._agents.get(app_id)
        if cached is not None and cached[0] is tools:
            return cached[1]
        agent = build_agent(tools, self._model_name, self._model_settings)
        self._agents[app_id] = (tools, agent)
        return agent
