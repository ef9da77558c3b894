"""Hidden tests: TinyGPT. Your class is built in the sandbox, where the grader converts it to float64
with model.double(), loads float64 weights with load_state_dict and reads back its logits. Classes
do not cross the sandbox: every property grades your own TinyGPT with your own Block and pieces."""

from hypothesis import example, given

from autograder.lessons.toolkit import check, graded

from .strategies import (WORKED_CONFIG, WORKED_IDS, expect_gpt2_state_dict, expect_logits, gpt_configs,
                         load_in_double, model_cases, random_weights)

WORKED_CASE = (WORKED_CONFIG, 0, WORKED_IDS)
EPSILONS = (1e-3, 0.01, 0.1, 1.0)


@graded
@given(config=gpt_configs())
@example(config=WORKED_CONFIG)
def test_state_dict_has_gpt2_keys_and_shapes(student, ref, config):
    """TinyGPT(config).state_dict() has exactly the keys and shapes of Hugging Face's GPT2LMHeadModel: transformer.wte.weight (V, d), transformer.wpe.weight (P, d), 12 keys per block in GPT-2's Conv1D layout (c_attn.weight is (d, 3d)), transformer.ln_f and lm_head.weight (V, d), and nothing else."""
    model = student.new("TinyGPT", config)
    expect_gpt2_state_dict(model.call("state_dict"), config)


@graded
@given(case=model_cases())
@example(case=WORKED_CASE)
def test_logits_match_gpt2(student, ref, case):
    """With GPT-2's weights loaded (load_state_dict), TinyGPT(config)(ids) returns GPT-2's logits (B, T, V) for a (B, T) batch of token ids: embeddings plus learned positions, pre-norm causal blocks with tanh GELU, ln_f and the tied LM head."""
    config, seed, ids = case
    weights = random_weights(config, seed)
    expect_logits(load_in_double(student, config, weights), config, weights, ids, ref)


@graded
@given(case=model_cases(EPSILONS))
@example(case=({**WORKED_CONFIG, "layer_norm_epsilon": 0.1}, 0, WORKED_IDS))
def test_layer_norm_epsilon_comes_from_the_config(student, ref, case):
    """Every LayerNorm of TinyGPT (ln_1, ln_2 of each block and ln_f) uses config["layer_norm_epsilon"]: with eps from 0.001 to 1 the logits still equal GPT-2's."""
    config, seed, ids = case
    weights = random_weights(config, seed)
    expect_logits(load_in_double(student, config, weights), config, weights, ids, ref)


@graded
@given(case=model_cases())
@example(case=WORKED_CASE)
def test_lm_head_is_tied_to_the_token_embeddings(student, ref, case):
    """lm_head.weight is transformer.wte.weight itself (the same storage, as GPT-2 ties them), before and after loading weights, and the logits equal GPT-2's."""
    config, seed, ids = case
    model = student.new("TinyGPT", config)
    tied = "lm_head.weight should be the same Parameter as transformer.wte.weight (tied, one storage)"
    hint = ("a separate nn.Linear loads the same numbers and gives the same logits, but it is another matrix "
            "with other gradients: after creating lm_head, set self.lm_head.weight = self.transformer.wte.weight")
    check(model.call("lm_head.weight.data_ptr") == model.call("transformer.wte.weight.data_ptr"),
          f"{tied}: as built, they are two matrices", hint)
    weights = random_weights(config, seed)
    model.call("double")
    model.call("load_state_dict", weights, tensors=True)
    check(model.call("lm_head.weight.data_ptr") == model.call("transformer.wte.weight.data_ptr"),
          f"{tied}: after .double() and load_state_dict, they are two matrices", hint)
    expect_logits(model, config, weights, ids, ref)
