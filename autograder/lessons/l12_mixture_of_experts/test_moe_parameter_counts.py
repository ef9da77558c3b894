"""Hidden tests: moe_parameter_counts."""

from hypothesis import example, given

from autograder.lessons.toolkit import expect_equal, graded, returns
from .strategies import mixtral_configs

MIXTRAL_8X7B = {"vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
                "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": None, "num_local_experts": 8,
                "num_experts_per_tok": 2, "tie_word_embeddings": False, "model_type": "mixtral"}
# Tied embeddings, head_dim 3 (not d // H = 2), 1 key/value head for 2 query heads, 2 of 4 experts:
# every known mistake gives another count (but forgetting the LM head, which Mixtral 8x7B shows).
WORKED = {"vocab_size": 10, "hidden_size": 4, "intermediate_size": 3, "num_hidden_layers": 2,
          "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 3, "num_local_experts": 4,
          "num_experts_per_tok": 2, "tie_word_embeddings": True}


def parts(config):
    """Every count the usual mistakes leave out or get wrong, by name."""
    V, d, f = config["vocab_size"], config["hidden_size"], config["intermediate_size"]
    L, H, KV = config["num_hidden_layers"], config["num_attention_heads"], config["num_key_value_heads"]
    head_dim = config.get("head_dim") or d // H
    E, k = config["num_local_experts"], config["num_experts_per_tok"]
    lm_head = 0 if config.get("tie_word_embeddings", False) else V * d
    return {"embeddings": V * d, "lm_head": lm_head, "untied_lm_head": V * d, "norms": (2 * L + 1) * d,
            "attention": L * 2 * d * head_dim * (H + KV), "attention_kv_as_h": L * 4 * d * head_dim * H,
            "attention_d_wide_heads": L * 2 * d * (d // H) * (H + KV), "routers": L * d * E,
            "expert": L * 3 * d * f, "two_matrix_expert": L * 2 * d * f, "E": E, "k": k}


def known_total_mistakes(config):
    p = parts(config)
    shared = p["embeddings"] + p["lm_head"] + p["norms"] + p["attention"] + p["routers"]
    total = shared + p["E"] * p["expert"]
    return {
        "count the routers too: each layer has one, d x E (hidden_size x num_local_experts)": total - p["routers"],
        "count the RMSNorm weights: two per layer and a final one, d each": total - p["norms"],
        "with tie_word_embeddings the LM head IS the embedding matrix: count it once":
            total - p["lm_head"] + p["untied_lm_head"],
        "k_proj and v_proj have num_key_value_heads * head_dim rows, not num_attention_heads * head_dim":
            total - p["attention"] + p["attention_kv_as_h"],
        "the attention's width is H * head_dim, with head_dim from the config when it is given":
            total - p["attention"] + p["attention_d_wide_heads"],
        "an expert is a SwiGLU network: three matrices (gate, up, down), 3 * d * f":
            shared + p["E"] * p["two_matrix_expert"],
        "every layer holds num_local_experts experts, not one": shared + p["expert"],
        "count the LM head (V x d) unless it is tied to the embeddings": total - p["lm_head"],
    }


def known_active_mistakes(config):
    p = parts(config)
    shared = p["embeddings"] + p["lm_head"] + p["norms"] + p["attention"] + p["routers"]
    active = shared + p["k"] * p["expert"]
    return {
        "a token uses only k = num_experts_per_tok experts per layer: the others are loaded but not active":
            shared + p["E"] * p["expert"],
        "the active parameters include everything shared (embeddings, attention, routers, norms, LM head), "
        "not only the chosen experts": p["k"] * p["expert"],
        "each token uses k = num_experts_per_tok experts per layer, not one": shared + p["expert"],
        "every token goes through the router: it is active": active - p["routers"],
        "with tie_word_embeddings the LM head IS the embedding matrix: count it once":
            active - p["lm_head"] + p["untied_lm_head"],
        "the embeddings and the LM head are shared, hence active (Mixtral's 12.9B counts them)":
            active - p["embeddings"] - p["lm_head"],
        "an expert is a SwiGLU network: three matrices (gate, up, down), 3 * d * f":
            shared + p["k"] * p["two_matrix_expert"],
    }


@graded
@given(config=mixtral_configs())
@example(config=WORKED)
@example(config=MIXTRAL_8X7B)
def test_total_parameters(student, ref, config):
    """total is the number of parameters of MixtralForCausalLM: embeddings, per layer attention + router + E SwiGLU experts + 2 norms, final norm, LM head unless tied (Mixtral 8x7B: 46,702,792,704)."""
    got, _ = returns(student.moe_parameter_counts(config), "moe_parameter_counts", ("total", "active"))
    expected, _ = ref.moe_parameter_counts(config)
    expect_equal(got, expected, what="total", mistakes=known_total_mistakes(config))


@graded
@given(config=mixtral_configs())
@example(config=WORKED)
@example(config=MIXTRAL_8X7B)
def test_active_parameters(student, ref, config):
    """active counts everything shared plus only k = num_experts_per_tok experts per layer (Mixtral 8x7B: 12,879,925,248)."""
    _, got = returns(student.moe_parameter_counts(config), "moe_parameter_counts", ("total", "active"))
    _, expected = ref.moe_parameter_counts(config)
    expect_equal(got, expected, what="active", mistakes=known_active_mistakes(config))
