"""Hidden tests: llama_parameter_count."""

from hypothesis import example, given

from autograder.lessons.toolkit import expect_equal, graded
from .strategies import llama_configs

LLAMA_3_8B = {  # meta-llama/Meta-Llama-3-8B config.json: no head_dim key, untied LM head
    "architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
    "bos_token_id": 128000, "eos_token_id": 128001, "hidden_act": "silu", "hidden_size": 4096,
    "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 8192,
    "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
    "pretraining_tp": 1, "rms_norm_eps": 1e-05, "rope_scaling": None, "rope_theta": 500000.0,
    "tie_word_embeddings": False, "torch_dtype": "bfloat16", "use_cache": True, "vocab_size": 128256,
}
LLAMA_3_70B = dict(LLAMA_3_8B, hidden_size=8192, intermediate_size=28672, num_hidden_layers=80, num_attention_heads=64)
LLAMA_3_2_1B = dict(LLAMA_3_8B, hidden_size=2048, intermediate_size=8192, num_hidden_layers=16, head_dim=64,
                    max_position_embeddings=131072, tie_word_embeddings=True)
DOCSTRING_EXAMPLE = {"vocab_size": 10, "hidden_size": 4, "intermediate_size": 6, "num_hidden_layers": 1,
                     "num_attention_heads": 2, "num_key_value_heads": 1}
# head_dim 6 where hidden_size // num_attention_heads is 2, and num_key_value_heads None (= 2 heads)
WIDE_HEADS = {"vocab_size": 10, "hidden_size": 4, "intermediate_size": 6, "num_hidden_layers": 2,
              "num_attention_heads": 2, "num_key_value_heads": None, "head_dim": 6}
# Sizes as the Hugging Face models built from these configs count them (sum of numel).
GOLDEN = [("Llama 3 8B", LLAMA_3_8B, 8_030_261_248), ("Llama 3 70B", LLAMA_3_70B, 70_553_706_496)]


def count(config, lm_head=True, tied_counted_twice=False, layer_norms=True, final_norm=True, kv_sharing=True,
          given_head_dim=True, ffn_matrices=3):
    """The parameter count, or the count of one of the usual mistakes."""
    V, d, f, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    H = config["num_attention_heads"]
    KV = (config.get("num_key_value_heads") or H) if kv_sharing else H
    head_dim = (config.get("head_dim") if given_head_dim else None) or d // H
    per_layer = 2 * d * H * head_dim + 2 * d * KV * head_dim + ffn_matrices * d * f + (2 * d if layer_norms else 0)
    tied = config.get("tie_word_embeddings", False)
    head = V * d if lm_head and (tied_counted_twice or not tied) else 0
    return V * d + L * per_layer + (d if final_norm else 0) + head


def known_mistakes(config):
    mistakes = {
        "count the RMSNorm weights: two per layer (d each) and the final norm (d)":
            count(config, layer_norms=False, final_norm=False),
        "count the final RMSNorm after the last layer (d weights)": count(config, final_norm=False),
        "k_proj and v_proj have num_key_value_heads * head_dim rows, not num_attention_heads * head_dim":
            count(config, kv_sharing=False),
        "SwiGLU has three matrices (gate_proj, up_proj, down_proj), each d x intermediate_size":
            count(config, ffn_matrices=2),
    }
    if config.get("tie_word_embeddings"):
        mistakes["with tie_word_embeddings the LM head IS the embedding matrix: count it once"] = \
            count(config, tied_counted_twice=True)
    else:
        mistakes["count the LM head (V x d) too: Llama's is a separate matrix unless tie_word_embeddings is True"] = \
            count(config, lm_head=False)
    if config.get("head_dim") and config["head_dim"] != config["hidden_size"] // config["num_attention_heads"]:
        mistakes["use config['head_dim'] when it is given (it need not be hidden_size // num_attention_heads)"] = \
            count(config, given_head_dim=False)
    return mistakes


@graded
def test_llama_3_8b_and_70b(student, ref):
    """Llama 3 8B's config.json gives 8,030,261,248 parameters and Llama 3 70B's 70,553,706,496 (untied LM head, 8
    key/value heads).
    """
    for name, config, size in GOLDEN:
        expect_equal(student.llama_parameter_count(dict(config)), size, what=f"the parameter count of {name}",
                     mistakes=known_mistakes(config))


@graded
@given(config=llama_configs())
@example(config=LLAMA_3_2_1B)
@example(config=DOCSTRING_EXAMPLE)
@example(config=WIDE_HEADS)
def test_any_llama_config(student, ref, config):
    """For any LlamaConfig dict: a tied LM head counted once, head_dim and num_key_value_heads used when given
    (d // H and H when absent or None).
    """
    expect_equal(student.llama_parameter_count(dict(config)), ref.llama_parameter_count(config),
                 what="the parameter count", mistakes=known_mistakes(config))
