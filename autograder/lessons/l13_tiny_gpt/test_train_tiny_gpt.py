"""Hidden tests: train_tiny_gpt. Training runs in the sandbox with YOUR TinyGPT (classes do not cross
the sandbox, so no reference model stands in for it): if TinyGPT loses points, fix it first. The
grader then measures the model you return itself, asking it for logits of windows of the text."""

import math
import numbers

import numpy as np

from autograder.lessons.toolkit import check, graded, returns, show

# The first stanza of the lesson's twinkle.txt (Jane Taylor, "The Star", 1806): 113 characters, 30
# distinct; short, so that 150 steps learn it in about a second (tests/lessons/l13_tiny_gpt checks the copy).
RHYME = ("Twinkle, twinkle, little star,\nHow I wonder what you are!\nUp above the world so high,\n"
         "Like a diamond in the sky.\n")
STEPS = 150
THRESHOLD = 1.0  # nats per character; the reference ends near 0.2, an untrained model starts at ln 30 = 3.4
CONTEXT = 16
SHORT_STEPS = 20


def loss_list(losses, steps):
    """The losses as a list of floats, after checking there is one finite number per step."""
    if isinstance(losses, np.ndarray) and losses.ndim == 1:
        losses = losses.tolist()
    check(isinstance(losses, (list, tuple)) and all(isinstance(value, numbers.Real) for value in losses),
          f"losses should be a list of floats (loss.item() at each step), got {show(losses)}")
    check(len(losses) == steps, f"losses should hold one loss per step, {steps} in all, got {len(losses)}")
    check(all(math.isfinite(value) for value in losses), f"losses should be finite numbers, got {show(losses)}",
          "a loss of nan or inf: a learning rate far above LEARNING_RATE, or logits that overflow")
    return [float(value) for value in losses]


def trained(student, steps, seed):
    """(model handle, losses) of the student's train_tiny_gpt(RHYME, steps, seed)."""
    model, losses = returns(student.train_tiny_gpt(RHYME, steps, seed), "train_tiny_gpt", ["model", "losses"])
    check(not isinstance(model, (dict, list, tuple, np.ndarray, numbers.Number, str)) and model is not None,
          f"the model returned should be the trained TinyGPT itself (a torch module), got {show(model)}")
    return model, loss_list(losses, steps)


def next_character_loss(model):
    """The mean cross-entropy of the model's prediction of each character of RHYME from the CONTEXT
    characters before it (the last position of every window: it never sees its target)."""
    vocabulary = sorted(set(RHYME))
    ids = np.array([vocabulary.index(character) for character in RHYME])
    starts = np.arange(len(ids) - CONTEXT)
    windows = ids[starts[:, None] + np.arange(CONTEXT)]
    model.call("eval")
    logits = model.call("", windows, tensors=True)
    expected_shape = (len(starts), CONTEXT, len(vocabulary))
    check(isinstance(logits, np.ndarray) and logits.shape == expected_shape,
          f"your model, given a ({len(starts)}, {CONTEXT}) batch of windows, should return logits of shape "
          f"{expected_shape}, got {show(logits)}")
    last = logits[:, -1].astype(np.float64)
    last = last - last.max(axis=-1, keepdims=True)
    log_probabilities = last - np.log(np.exp(last).sum(axis=-1, keepdims=True))
    return float(-log_probabilities[np.arange(len(starts)), ids[starts + CONTEXT]].mean())


@graded
def test_the_loss_falls_below_the_threshold(student, ref):
    """train_tiny_gpt(rhyme, 150, 0) on the first stanza of twinkle.txt (113 characters) returns (model, losses) with 150 losses whose last 10 average below 1.0 nats, and the model returned predicts each character from the 16 before it with a loss below 1.0 (it starts near ln 30 = 3.4) (train_tiny_gpt trains your own TinyGPT: if TinyGPT lost points, fix it first)."""
    model, losses = trained(student, STEPS, 0)
    final = float(np.mean(losses[-10:]))
    check(final < THRESHOLD,
          f"the mean of the last 10 training losses is {final:.3f} (the first was {losses[0]:.3f}), not below "
          f"{THRESHOLD}", "the loss should fall: zero the gradients before each backward (without "
          "optimizer.zero_grad() they pile up over the steps), call optimizer.step() after it, use AdamW with "
          "lr=LEARNING_RATE, and initialise TinyGPT as GPT-2 (std 0.02)" if final > losses[0] - 0.5 else
          "the loss falls, but too slowly: AdamW with lr=LEARNING_RATE, BATCH_SIZE windows of CONTEXT "
          "characters per step, and TinyGPT initialised as GPT-2 (std 0.02)")
    measured = next_character_loss(model)
    check(measured < THRESHOLD,
          f"your training losses fell to {final:.3f}, but the model you returned predicts the next character "
          f"with a loss of {measured:.3f}, not below {THRESHOLD}",
          "the targets are the inputs shifted by one, ids[s + 1 : s + CONTEXT + 1]: each position learns the "
          "character AFTER it (targets equal to the inputs teach the model to copy), and return the model you "
          "trained" if final < THRESHOLD else None)


@graded
def test_the_same_seed_gives_the_same_training(student, ref):
    """train_tiny_gpt(rhyme, 20, seed) is deterministic: called twice with seed 1 it returns the same 20 losses, with seed 2 other ones, and the loss falls (train_tiny_gpt trains your own TinyGPT: if TinyGPT lost points, fix it first)."""
    _, first = trained(student, SHORT_STEPS, 1)
    _, again = trained(student, SHORT_STEPS, 1)
    check(np.allclose(first, again, rtol=1e-6, atol=0),
          f"two runs with seed 1 gave different losses: {show(np.array(first[:4]))} then "
          f"{show(np.array(again[:4]))}",
          "seed torch's random number generator with torch.manual_seed(seed) at the start of train_tiny_gpt, "
          "before building the model (its initial weights are random too) and drawing the batches")
    _, other = trained(student, SHORT_STEPS, 2)
    check(not np.allclose(first, other, rtol=1e-6, atol=0),
          "seeds 1 and 2 gave the same losses: the seed argument must decide the initial weights and the batches",
          "seed with torch.manual_seed(seed), the argument, not a fixed number")
    check(np.mean(first[-5:]) < first[0] - 0.3,
          f"in 20 steps the loss should fall from about ln 30 = 3.4 by well over 0.3; yours went from "
          f"{first[0]:.3f} to {first[-1]:.3f}",
          "zero the gradients, backpropagate and take an optimizer step at every step")
