"""A simulated model training: epochs that take time, and a result computed from them.

Nothing is learnt; the numbers follow simple curves in the epoch count so that results are
deterministic and differ between runs with different arguments.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

__all__ = ["Epochs", "ModelName", "TrainingResult", "epoch_loss", "train_blocking", "training_result"]

ModelName = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$", description="Name of the model to train")
]
Epochs = Annotated[int, Field(ge=1, le=1000, description="Number of epochs, 1-1000")]


@dataclass(frozen=True)
class TrainingResult:
    """What a finished (simulated) training produced.

    Attributes:
        model_name: The model trained.
        epochs: How many epochs ran.
        final_loss: The loss after the last epoch.
        train_score: Score on the training data, 0-1.
        validation_score: Score on held-out data, 0-1; a little below `train_score`.
        artifact: Where the model would be stored.
    """

    model_name: str
    epochs: int
    final_loss: float
    train_score: float
    validation_score: float
    artifact: str


def epoch_loss(epoch: int) -> float:
    """The loss after `epoch` (counting from 1): falls quickly, then levels off."""
    return round(1 / (1 + 0.5 * epoch), 4)


def training_result(model_name: str, epochs: int) -> TrainingResult:
    """The result of training `model_name` for `epochs` epochs."""
    train = round(0.95 - 0.45 / (1 + epochs), 4)
    return TrainingResult(
        model_name=model_name,
        epochs=epochs,
        final_loss=epoch_loss(epochs),
        train_score=train,
        validation_score=round(train - 0.05, 4),
        artifact=f"artifacts/{model_name}/epoch-{epochs}.model",
    )


def train_blocking(model_name: str, epochs: int, epoch_seconds: float) -> TrainingResult:
    """Train in one blocking call that reports nothing, like many ML libraries' `fit()`."""
    for _ in range(epochs):
        time.sleep(epoch_seconds)
    return training_result(model_name, epochs)
