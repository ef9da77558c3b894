"""Lesson 13's reference solutions against Hugging Face's GPT-2 (transformers): the state_dict's keys,
shapes and tie, the logits after loading its weights (float64), greedy generation against
`generate`; the training threshold the hidden suite states, on the first stanza of the shipped
twinkle.txt; memory against torch's element sizes.
The hidden suite's own NumPy GPT-2 (which names students' mistakes) is checked against GPT-2 too."""

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel

from autograder.lessons.l13_tiny_gpt import strategies
from autograder.lessons.l13_tiny_gpt.test_train_tiny_gpt import RHYME, STEPS, THRESHOLD, next_character_loss
from solutions import l13_tiny_gpt as ref
from solutions.l13_tiny_gpt import TinyGPT, generate_greedy, memory_footprint, train_tiny_gpt

CONFIGS = [strategies.gpt_config(7, 6, n_head=2, head_dim=3, n_layer=2),
           strategies.gpt_config(5, 4, n_head=1, head_dim=2, n_layer=1, layer_norm_epsilon=0.1),
           strategies.gpt_config(11, 8, n_head=4, head_dim=2, n_layer=3, layer_norm_epsilon=1e-3)]


def gpt2(config, seed=0):
    """GPT2LMHeadModel for `config` in float64, with weights livelier than its own initialisation."""
    model = GPT2LMHeadModel(GPT2Config(**config)).double().eval()
    torch.manual_seed(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(std=0.5)
    return model


@pytest.mark.parametrize("config", CONFIGS)
def test_state_dict_is_gpt2s(config):
    ours, theirs = TinyGPT(config).state_dict(), GPT2LMHeadModel(GPT2Config(**config)).state_dict()
    assert list(ours) == list(theirs) == list(strategies.state_shapes(config))
    assert all(ours[key].shape == theirs[key].shape == strategies.state_shapes(config)[key] for key in ours)
    model = TinyGPT(config)
    assert model.lm_head.weight.data_ptr() == model.transformer.wte.weight.data_ptr()
    assert model.double().lm_head.weight is model.transformer.wte.weight
    assert sum(p.numel() for p in model.parameters()) == GPT2LMHeadModel(GPT2Config(**config)).num_parameters()


@pytest.mark.parametrize("config", CONFIGS)
def test_logits_after_loading_gpt2s_weights(config):
    theirs = gpt2(config)
    ours = TinyGPT(config).double()
    loaded = ours.load_state_dict(theirs.state_dict())
    assert not loaded.missing_keys and not loaded.unexpected_keys
    ids = torch.from_numpy(np.random.default_rng(1).integers(0, config["vocab_size"], (2, config["n_positions"])))
    with torch.no_grad():
        expected = theirs(ids).logits.numpy()
        np.testing.assert_allclose(ours(ids).numpy(), expected, rtol=1e-12, atol=1e-12)
    weights = {key: value.numpy() for key, value in theirs.state_dict().items()}
    np.testing.assert_allclose(strategies.numpy_gpt2(config, weights, ids.numpy()), expected, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(strategies.reference_logits(ref, config, weights, ids.numpy()), expected,
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("config, prompt, steps", [(CONFIGS[0], [1, 4], 4), (CONFIGS[2], [3], 7),
                                                   (CONFIGS[1], [0, 1, 2, 3], 0)])
def test_greedy_generation_is_hugging_faces(config, prompt, steps):
    model = gpt2(config, seed=3)
    ids = torch.tensor([prompt])
    with torch.no_grad():
        expected = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=steps,
                                  eos_token_id=None, pad_token_id=0)[0].tolist() if steps else prompt
    ours = TinyGPT(config).double()
    ours.load_state_dict(model.state_dict())
    assert generate_greedy(ours, prompt, steps) == expected
    assert generate_greedy(lambda x: model(x).logits, prompt, steps) == expected


def test_greedy_ties_go_to_the_lowest_id():
    table = torch.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0]])
    assert generate_greedy(lambda ids: table[ids], [2], 3) == [2, 0, 0, 0]


def test_the_suite_trains_on_the_first_stanza_of_the_shipped_text():
    shipped = (Path(__file__).resolve().parents[3] / "assignments" / "13-tiny-gpt" / "twinkle.txt").read_text(
        encoding="utf-8")
    assert RHYME == shipped.split("\n\n")[0] + "\n"


def test_training_reaches_the_threshold_the_suite_states():
    model, losses = train_tiny_gpt(RHYME, STEPS, 0)
    assert len(losses) == STEPS and all(type(loss) is float for loss in losses)
    assert abs(losses[0] - math.log(len(set(RHYME)))) < 0.1
    assert np.mean(losses[-10:]) < THRESHOLD / 2

    class Handle:  # the suite asks the sandboxed model through calls like these
        def call(self, path, *args, tensors=False):
            if path == "eval":
                return model.eval()
            with torch.no_grad():
                return model(torch.from_numpy(args[0])).numpy()

    assert next_character_loss(Handle()) < THRESHOLD / 2
    _, again = train_tiny_gpt(RHYME, 20, 1)
    _, same = train_tiny_gpt(RHYME, 20, 1)
    assert again == same and np.mean(again[-5:]) < again[0] - 0.3


def test_memory_matches_torchs_element_sizes():
    for dtype, torch_dtype in {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16,
                               "int8": torch.int8}.items():
        assert memory_footprint(1001, dtype) == 1001 * torch.empty(0, dtype=torch_dtype).element_size()
    assert memory_footprint(1001, "int4") == math.ceil(1001 / 2) == 501
    assert memory_footprint(8_030_261_248, "bf16") == 16_060_522_496
    assert memory_footprint(46_702_792_704, "int4") == 23_351_396_352
    with pytest.raises(ValueError):
        memory_footprint(10, "fp64")
