"""Hidden tests: count_parameters."""

import numbers

from hypothesis import example, given
from hypothesis import strategies as st

from autograder.lessons.toolkit import check, expect_equal, graded, show
from .strategies import bert_configs, phi3_configs

PHI3_MINI_4K = {  # microsoft/Phi-3-mini-4k-instruct, config.json
    "_name_or_path": "Phi-3-mini-4k-instruct", "architectures": ["Phi3ForCausalLM"], "attention_dropout": 0.0,
    "bos_token_id": 1, "embd_pdrop": 0.0, "eos_token_id": 32000, "hidden_act": "silu", "hidden_size": 3072,
    "initializer_range": 0.02, "intermediate_size": 8192, "max_position_embeddings": 4096, "model_type": "phi3",
    "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 32,
    "original_max_position_embeddings": 4096, "pad_token_id": 32000, "resid_pdrop": 0.0, "rms_norm_eps": 1e-05,
    "rope_scaling": None, "rope_theta": 10000.0, "sliding_window": 2047, "tie_word_embeddings": False,
    "torch_dtype": "bfloat16", "transformers_version": "4.40.2", "use_cache": True, "attention_bias": False,
    "vocab_size": 32064,
}
# microsoft/phi-4 (a Phi3ForCausalLM with grouped-query attention) and microsoft/Phi-4-mini-instruct
# (grouped-query attention and a tied LM head): their config.json's architecture keys.
PHI_4 = dict(PHI3_MINI_4K, hidden_size=5120, intermediate_size=17920, num_attention_heads=40, num_hidden_layers=40,
             num_key_value_heads=10, vocab_size=100352, max_position_embeddings=16384, rope_theta=250000)
PHI_4_MINI = dict(PHI3_MINI_4K, hidden_size=3072, intermediate_size=8192, num_attention_heads=24, num_hidden_layers=32,
                  num_key_value_heads=8, vocab_size=200064, tie_word_embeddings=True, partial_rotary_factor=0.75)
MINILM_L6 = {  # sentence-transformers/all-MiniLM-L6-v2, config.json
    "_name_or_path": "nreimers/MiniLM-L6-H384-uncased", "architectures": ["BertModel"],
    "attention_probs_dropout_prob": 0.1, "gradient_checkpointing": False, "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1, "hidden_size": 384, "initializer_range": 0.02, "intermediate_size": 1536,
    "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12,
    "num_hidden_layers": 6, "pad_token_id": 0, "position_embedding_type": "absolute", "transformers_version": "4.8.2",
    "type_vocab_size": 2, "use_cache": True, "vocab_size": 30522,
}
BERT_BASE_UNCASED = dict(MINILM_L6, architectures=["BertForMaskedLM"], hidden_size=768, intermediate_size=3072,
                         num_hidden_layers=12)
# Sizes as the Hugging Face models built from these configs count them (sum of numel).
GOLDEN = [("Phi-3-mini-4k-instruct", PHI3_MINI_4K, 3_821_079_552), ("all-MiniLM-L6-v2", MINILM_L6, 22_713_216),
          ("bert-base-uncased", BERT_BASE_UNCASED, 109_482_240), ("phi-4", PHI_4, 14_659_507_200),
          ("Phi-4-mini-instruct", PHI_4_MINI, 3_836_021_760)]
# The docstring's example; a BERT with one token type (as RoBERTa), so that its token-type embeddings (d)
# and the embeddings' LayerNorm (2d) differ in size; a Phi-3 where every convention shows.
PHI3_EXAMPLE = {"model_type": "phi3", "vocab_size": 10, "hidden_size": 4, "intermediate_size": 6,
                "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1}
BERT_EXAMPLE = {"model_type": "bert", "vocab_size": 10, "hidden_size": 4, "intermediate_size": 6,
                "num_hidden_layers": 1, "num_attention_heads": 2, "max_position_embeddings": 8, "type_vocab_size": 1}
PHI3_EVERYTHING = dict(PHI3_EXAMPLE, intermediate_size=7, num_hidden_layers=2, head_dim=3, tie_word_embeddings=True)


def phi3_count(config, lm_head=True, tied_counted_twice=False, given_head_dim=True, kv_sharing=True,
               gate_up_rows=2, layer_norms=True, final_norm=True, biases=False):
    """Phi-3's parameter count, or the count of one of the usual mistakes."""
    V, d, I, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    H = config["num_attention_heads"]
    KV = (config.get("num_key_value_heads") or H) if kv_sharing else H
    h = (config.get("head_dim") if given_head_dim else None) or d // H
    layer = (H + 2 * KV) * h * d + d * H * h + gate_up_rows * I * d + d * I + (2 * d if layer_norms else 0)
    if biases:
        layer += (H + 2 * KV) * h + d + 2 * I + d
    tied = config.get("tie_word_embeddings", False)
    head = V * d if lm_head and (tied_counted_twice or not tied) else 0
    return V * d + L * layer + (d if final_norm else 0) + head


def bert_count(config, pooler=True, biases=True, token_types=True, positions=True, norm_weights=2,
               embedding_norm=True, lm_head=False):
    """BertModel's parameter count, or the count of one of the usual mistakes."""
    V, d, I, L = config["vocab_size"], config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    rows = V + (config["max_position_embeddings"] if positions else 0) + (config["type_vocab_size"] if token_types else 0)
    embeddings = rows * d + (norm_weights * d if embedding_norm else 0)
    layer = 4 * d * d + 2 * I * d + 2 * norm_weights * d + ((4 * d + I + d) if biases else 0)
    return embeddings + L * layer + ((d * d + (d if biases else 0)) if pooler else 0) + (V * d if lm_head else 0)


def known_mistakes(config):
    """{hint: the count of that mistake} for the conventions this config can show."""
    if config["model_type"] == "bert":
        return {
            "BertModel ends with its pooler, a Linear d -> d with a bias (d * d + d): count it": bert_count(config, pooler=False),
            "every Linear of BERT has a bias: query, key, value and attention.output.dense (d each), "
            "intermediate.dense (I), output.dense (d), the pooler (d)": bert_count(config, biases=False),
            "count the token-type embeddings too (type_vocab_size rows of d)": bert_count(config, token_types=False),
            "BERT learns its positions: count the position embeddings (max_position_embeddings rows of d)":
                bert_count(config, positions=False),
            "a LayerNorm has a weight AND a bias, d each": bert_count(config, norm_weights=1),
            "count the embeddings' LayerNorm (embeddings.LayerNorm, 2d) besides the two of each layer":
                bert_count(config, embedding_norm=False),
            "BertModel has no LM head (the checkpoint stops at the pooler): do not count V x d for it":
                bert_count(config, lm_head=True),
        }
    mistakes = {
        "gate_up_proj computes the gate AND the up projection: 2 * intermediate_size rows of d":
            phi3_count(config, gate_up_rows=1),
        "count the RMSNorm weights: two per layer (d each) and the final norm (d)":
            phi3_count(config, layer_norms=False, final_norm=False),
        "count the final norm after the last layer (d weights)": phi3_count(config, final_norm=False),
        "Phi-3's Linears have no biases (bias=False in the module tree)": phi3_count(config, biases=True),
    }
    H = config["num_attention_heads"]
    if (config.get("num_key_value_heads") or H) != H:
        mistakes["keys and values have num_key_value_heads * head_dim rows each in qkv_proj, not "
                 "num_attention_heads * head_dim"] = phi3_count(config, kv_sharing=False)
    if config.get("head_dim") and config["head_dim"] != config["hidden_size"] // H:
        mistakes["use config['head_dim'] when it is given (it need not be hidden_size // num_attention_heads)"] = \
            phi3_count(config, given_head_dim=False)
    if config.get("tie_word_embeddings"):
        mistakes["with tie_word_embeddings the LM head IS the embedding matrix: count it once"] = \
            phi3_count(config, tied_counted_twice=True)
    else:
        mistakes["count lm_head (V x d) too: it has a matrix of its own unless tie_word_embeddings is True"] = \
            phi3_count(config, lm_head=False)
    return mistakes


def expect_count(got, config, expected, what):
    check(isinstance(got, numbers.Integral) and not isinstance(got, bool),
          f"count_parameters should return an int, got {show(got)}",
          "a count is a whole number: build it from ints (int(...) if a float crept in)")
    expect_equal(got, expected, what=what, mistakes=known_mistakes(config))


@graded
def test_real_models(student, ref):
    """Phi-3-mini-4k-instruct has 3,821,079,552 parameters, all-MiniLM-L6-v2 22,713,216, bert-base-uncased 109,482,240, phi-4 14,659,507,200 and Phi-4-mini-instruct (tied LM head) 3,836,021,760."""
    for name, config, size in GOLDEN:
        expect_count(student.count_parameters(dict(config)), config, size, f"the parameter count of {name}")


@graded
@given(config=st.one_of(phi3_configs(), bert_configs()))
@example(config=PHI3_EVERYTHING)
@example(config=BERT_EXAMPLE)
@example(config=PHI3_EXAMPLE)
def test_any_config(student, ref, config):
    """For any Phi-3 or BERT config: Phi-3's tied LM head counted once, its head_dim and num_key_value_heads used when given (d // H and H when absent or None); BERT's biases, LayerNorms, position and token-type embeddings and pooler."""
    expect_count(student.count_parameters(dict(config)), config, ref.count_parameters(config), "the parameter count")
