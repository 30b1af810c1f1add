"""Isolation as a property: random interleaved operations by several users through MCP and
REST. The service's test performs each step; this module generates the plans and keeps the
model of what each user owns."""

import uuid
from dataclasses import dataclass, field

from hypothesis import strategies as st

USERS = 3


@dataclass
class World:
    """Expected: each user's live records by id (their titles), and the owner of every id."""

    users: list[uuid.UUID] = field(default_factory=lambda: [uuid.uuid4() for _ in range(USERS)])
    titles: dict[uuid.UUID, dict[str, str]] = field(default_factory=dict)
    owner: dict[str, uuid.UUID] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def foreign_ids(self, user: uuid.UUID) -> set[str]:
        """The ids of every record another user owns."""
        return {record_id for record_id, owner in self.owner.items() if owner != user}

    def target(self, step: "Step") -> str:
        """The record id a step aims at: any known one (maybe another user's), or a new UUID."""
        return self.order[step.target % len(self.order)] if self.order else str(uuid.uuid4())

    def added(self, user: uuid.UUID, record_id: str, title: str) -> None:
        """Record that ``user`` created ``record_id``."""
        self.titles.setdefault(user, {})[record_id] = title
        self.owner[record_id] = user
        self.order.append(record_id)

    def assert_no_leak(self, viewer: uuid.UUID, answer: str) -> None:
        """No id of another user's record appears in ``answer``."""
        for foreign in self.foreign_ids(viewer):
            assert foreign not in answer, (viewer, answer)


@dataclass(frozen=True)
class Step:
    """One operation of one user through one transport."""

    user: int
    via: str
    operation: str
    target: int
    title: str


def plans(operations: tuple[str, ...], *, max_steps: int = 12) -> st.SearchStrategy[list[Step]]:
    """Lists of steps over ``operations`` by USERS users, through "mcp" or "rest"."""
    return st.lists(
        st.builds(
            Step,
            user=st.integers(0, USERS - 1),
            via=st.sampled_from(["mcp", "rest"]),
            operation=st.sampled_from(operations),
            target=st.integers(0, 50),
            title=st.text(
                alphabet=st.characters(codec="utf-8", categories=["L", "N"]),
                min_size=1,
                max_size=12,
            ),
        ),
        min_size=1,
        max_size=max_steps,
    )
