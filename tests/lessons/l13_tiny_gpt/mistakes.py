"""Lesson 13-tiny-gpt: wrong implementations students really write (each must lose points) and a correct
one written differently from the reference (it must get full marks). Each string replaces the
exercise's solution cell of the source notebook, where the provided cell imports torch, nn and F and
defines CONTEXT, BATCH_SIZE, LEARNING_RATE and char_config, and the cells before TinyGPT's define the
reference Conv1D, CausalSelfAttention, MLP and Block (a mistake in one of them redefines it)."""

# The reference TinyGPT, for the mistakes that lie in one of its pieces.
TINY_GPT = '''

class TinyGPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        d, V = config["n_embd"], config["vocab_size"]
        self.transformer = nn.ModuleDict({
            "wte": nn.Embedding(V, d), "wpe": nn.Embedding(config["n_positions"], d),
            "h": nn.ModuleList([Block(config) for _ in range(config["n_layer"])]),
            "ln_f": nn.LayerNorm(d, eps=config["layer_norm_epsilon"]),
        })
        self.lm_head = nn.Linear(d, V, bias=False)
        self.lm_head.weight = self.transformer.wte.weight
        nn.init.normal_(self.transformer.wte.weight, std=0.02)
        nn.init.normal_(self.transformer.wpe.weight, std=0.02)

    def forward(self, ids):
        x = self.transformer.wte(ids) + self.transformer.wpe(torch.arange(ids.shape[1]))
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))
'''


def tiny_gpt_with(replaced, new):
    """The reference TinyGPT with one line replaced."""
    assert replaced in TINY_GPT, replaced
    return TINY_GPT.replace(replaced, new)


ATTENTION = '''
class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.n_head = config["n_head"]
        self.c_attn = Conv1D(config["n_embd"], 3 * config["n_embd"])
        self.c_proj = Conv1D(config["n_embd"], config["n_embd"])

    def forward(self, x):
        B, T, d = x.shape
        hd = d // self.n_head
        q, k, v = self.c_attn(x).split(d, dim=2)
        q, k, v = [t.view(B, T, self.n_head, hd).transpose(1, 2) for t in (q, k, v)]
        att = q @ k.transpose(-2, -1) / math.sqrt(hd)
        att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
        y = att.softmax(dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, d))
'''


def attention_with(replaced, new):
    assert replaced in ATTENTION, replaced
    return ATTENTION.replace(replaced, new) + TINY_GPT


MISTAKES = {
    "TinyGPT": {
        "untied lm_head (a separate nn.Linear: loads and computes the same, only the tie check sees it)":
            tiny_gpt_with("        self.lm_head.weight = self.transformer.wte.weight\n", ""),
        "learned positions missing": tiny_gpt_with(
            '"wte": nn.Embedding(V, d), "wpe": nn.Embedding(config["n_positions"], d),', '"wte": nn.Embedding(V, d),'
        ).replace("        nn.init.normal_(self.transformer.wpe.weight, std=0.02)\n", "").replace(
            " + self.transformer.wpe(torch.arange(ids.shape[1]))", ""),
        "nn.Linear instead of GPT-2's Conv1D layout (state_dict shapes transposed)": '''
class Conv1D(nn.Linear):
    def __init__(self, n_in, n_out):
        super().__init__(n_in, n_out)
''' + TINY_GPT,
        "post-LN blocks": '''
class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        d, eps = config["n_embd"], config["layer_norm_epsilon"]
        self.ln_1, self.attn = nn.LayerNorm(d, eps=eps), CausalSelfAttention(config)
        self.ln_2, self.mlp = nn.LayerNorm(d, eps=eps), MLP(config)

    def forward(self, x):
        x = self.ln_1(x + self.attn(x))
        return self.ln_2(x + self.mlp(x))
''' + TINY_GPT,
        "no final ln_f": tiny_gpt_with('''            "ln_f": nn.LayerNorm(d, eps=config["layer_norm_epsilon"]),
''', "").replace("self.lm_head(self.transformer.ln_f(x))", "self.lm_head(x)"),
        "layer norm eps not taken from the config (nn.LayerNorm's default 1e-5)": '''
class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1, self.attn = nn.LayerNorm(config["n_embd"]), CausalSelfAttention(config)
        self.ln_2, self.mlp = nn.LayerNorm(config["n_embd"]), MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))
''' + tiny_gpt_with('nn.LayerNorm(d, eps=config["layer_norm_epsilon"])', "nn.LayerNorm(d)"),
        "no causal mask": attention_with(
            '''        att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))\n''', ""),
        "exact erf GELU (F.gelu's default)": '''
class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = Conv1D(config["n_embd"], 4 * config["n_embd"])
        self.c_proj = Conv1D(4 * config["n_embd"], config["n_embd"])

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x)))
''' + TINY_GPT,
        "causal mask kept as a persistent buffer (an extra state_dict key)": attention_with(
            '''        self.n_head = config["n_head"]\n''',
            '''        self.n_head = config["n_head"]
        n = config["n_positions"]
        self.register_buffer("bias", torch.tril(torch.ones(n, n, dtype=torch.bool)))\n''').replace(
            "torch.triu(torch.ones(T, T, dtype=torch.bool), 1)", "~self.bias[:T, :T]"),
        "heads taken as interleaved columns": attention_with(
            "q, k, v = [t.view(B, T, self.n_head, hd).transpose(1, 2) for t in (q, k, v)]",
            "q, k, v = [t.view(B, T, hd, self.n_head).permute(0, 3, 1, 2) for t in (q, k, v)]").replace(
            "y.transpose(1, 2).reshape(B, T, d)", "y.permute(0, 2, 3, 1).reshape(B, T, d)"),
        "scores scaled by sqrt(n_embd) instead of sqrt(head_dim)": attention_with(
            "att = q @ k.transpose(-2, -1) / math.sqrt(hd)", "att = q @ k.transpose(-2, -1) / math.sqrt(d)"),
    },
    "generate_greedy": {
        "argmax of the first position": '''
def generate_greedy(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    for _ in range(max_new_tokens):
        logits = model(torch.tensor([ids]))
        ids.append(int(logits[0, 0].argmax()))
    return ids
''',
        "new token not appended to the model's input (always the prompt)": '''
def generate_greedy(model, prompt_ids, max_new_tokens):
    new_ids = []
    for _ in range(max_new_tokens):
        logits = model(torch.tensor([prompt_ids]))
        new_ids.append(int(logits[0, -1].argmax()))
    return list(prompt_ids) + new_ids
''',
        "only the new ids returned": '''
def generate_greedy(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    for _ in range(max_new_tokens):
        ids.append(int(model(torch.tensor([ids]))[0, -1].argmax()))
    return ids[len(prompt_ids):]
''',
        "a 1-D tensor of ids given to the model": '''
def generate_greedy(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    for _ in range(max_new_tokens):
        logits = model(torch.tensor(ids))
        ids.append(int(logits[0, -1].argmax()))
    return ids
''',
        "argmax over the whole (1, T, V) tensor": '''
def generate_greedy(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    for _ in range(max_new_tokens):
        ids.append(int(model(torch.tensor([ids])).argmax()))
    return ids
''',
        "one new token too few": '''
def generate_greedy(model, prompt_ids, max_new_tokens):
    ids = list(prompt_ids)
    for _ in range(max_new_tokens - 1):
        ids.append(int(model(torch.tensor([ids]))[0, -1].argmax()))
    return ids
''',
    },
    "train_tiny_gpt": {
        "gradients never zeroed": '''
def train_tiny_gpt(text, steps, seed):
    torch.manual_seed(seed)
    chars = sorted(set(text))
    data = torch.tensor([chars.index(c) for c in text])
    model = TinyGPT(char_config(len(chars)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    losses = []
    for _ in range(steps):
        starts = torch.randint(0, len(data) - CONTEXT, (BATCH_SIZE,))
        x = torch.stack([data[s:s + CONTEXT] for s in starts])
        y = torch.stack([data[s + 1:s + CONTEXT + 1] for s in starts])
        loss = F.cross_entropy(model(x).reshape(-1, len(chars)), y.reshape(-1))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses
''',
        "targets not shifted (the model learns to copy its input)": '''
def train_tiny_gpt(text, steps, seed):
    torch.manual_seed(seed)
    chars = sorted(set(text))
    data = torch.tensor([chars.index(c) for c in text])
    model = TinyGPT(char_config(len(chars)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    losses = []
    for _ in range(steps):
        starts = torch.randint(0, len(data) - CONTEXT, (BATCH_SIZE,))
        x = torch.stack([data[s:s + CONTEXT] for s in starts])
        loss = F.cross_entropy(model(x).reshape(-1, len(chars)), x.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses
''',
        "seed ignored": '''
def train_tiny_gpt(text, steps, seed):
    chars = sorted(set(text))
    data = torch.tensor([chars.index(c) for c in text])
    model = TinyGPT(char_config(len(chars)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    losses = []
    for _ in range(steps):
        starts = torch.randint(0, len(data) - CONTEXT, (BATCH_SIZE,))
        x = torch.stack([data[s:s + CONTEXT] for s in starts])
        y = torch.stack([data[s + 1:s + CONTEXT + 1] for s in starts])
        loss = F.cross_entropy(model(x).reshape(-1, len(chars)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses
''',
        "seeded after the model is built (its initial weights are not)": '''
def train_tiny_gpt(text, steps, seed):
    chars = sorted(set(text))
    data = torch.tensor([chars.index(c) for c in text])
    model = TinyGPT(char_config(len(chars)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    torch.manual_seed(seed)
    losses = []
    for _ in range(steps):
        starts = torch.randint(0, len(data) - CONTEXT, (BATCH_SIZE,))
        x = torch.stack([data[s:s + CONTEXT] for s in starts])
        y = torch.stack([data[s + 1:s + CONTEXT + 1] for s in starts])
        loss = F.cross_entropy(model(x).reshape(-1, len(chars)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model, losses
''',
        "no optimizer step": '''
def train_tiny_gpt(text, steps, seed):
    torch.manual_seed(seed)
    chars = sorted(set(text))
    data = torch.tensor([chars.index(c) for c in text])
    model = TinyGPT(char_config(len(chars)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    losses = []
    for _ in range(steps):
        starts = torch.randint(0, len(data) - CONTEXT, (BATCH_SIZE,))
        x = torch.stack([data[s:s + CONTEXT] for s in starts])
        y = torch.stack([data[s + 1:s + CONTEXT + 1] for s in starts])
        loss = F.cross_entropy(model(x).reshape(-1, len(chars)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        losses.append(loss.item())
    return model, losses
''',
    },
    "memory_footprint": {
        "int4 as 4 bytes": '''
def memory_footprint(n_params, dtype):
    sizes = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1, "int4": 4}
    if dtype not in sizes:
        raise ValueError(dtype)
    return n_params * sizes[dtype]
''',
        "int4 not rounded up": '''
def memory_footprint(n_params, dtype):
    if dtype == "int4":
        return n_params // 2
    sizes = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}
    if dtype not in sizes:
        raise ValueError(dtype)
    return n_params * sizes[dtype]
''',
        "int4 as a float (n_params / 2)": '''
def memory_footprint(n_params, dtype):
    sizes = {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1, "int4": 0.5}
    if dtype not in sizes:
        raise ValueError(dtype)
    return n_params * sizes[dtype]
''',
        "bf16 as 4 bytes": '''
def memory_footprint(n_params, dtype):
    if dtype == "int4":
        return (n_params + 1) // 2
    sizes = {"fp32": 4, "fp16": 2, "bf16": 4, "int8": 1}
    if dtype not in sizes:
        raise ValueError(dtype)
    return n_params * sizes[dtype]
''',
        "unknown dtype raises KeyError": '''
def memory_footprint(n_params, dtype):
    if dtype == "int4":
        return (n_params + 1) // 2
    return n_params * {"fp32": 4, "fp16": 2, "bf16": 2, "int8": 1}[dtype]
''',
    },
}

ALTERNATIVES = {
    "TinyGPT": '''
class Conv1D(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(n_in, n_out) * 0.02)
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return torch.matmul(x, self.weight).add(self.bias)


class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.heads = config["n_head"]
        self.c_attn = Conv1D(config["n_embd"], 3 * config["n_embd"])
        self.c_proj = Conv1D(config["n_embd"], config["n_embd"])

    def forward(self, x):
        q, k, v = self.c_attn(x).chunk(3, dim=-1)
        q, k, v = (t.unflatten(-1, (self.heads, -1)).transpose(-3, -2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.c_proj(y.transpose(-3, -2).flatten(-2))


class MLP(nn.Sequential):
    def __init__(self, config):
        d = config["n_embd"]
        super().__init__()
        self.c_fc = Conv1D(d, 4 * d)
        self.act = nn.GELU(approximate="tanh")
        self.c_proj = Conv1D(4 * d, d)


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        for name in ("ln_1", "ln_2"):
            setattr(self, name, nn.LayerNorm(config["n_embd"], eps=config["layer_norm_epsilon"]))
        self.attn = CausalSelfAttention(config)
        self.mlp = MLP(config)

    def forward(self, x):
        h = x + self.attn(self.ln_1(x))
        return h + self.mlp(self.ln_2(h))


class Transformer(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.wte = nn.Embedding(config["vocab_size"], config["n_embd"])
        self.wpe = nn.Embedding(config["n_positions"], config["n_embd"])
        self.h = nn.ModuleList(Block(config) for _ in range(config["n_layer"]))
        self.ln_f = nn.LayerNorm(config["n_embd"], eps=config["layer_norm_epsilon"])


class TinyGPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.transformer = Transformer(config)
        self.lm_head = nn.Linear(config["n_embd"], config["vocab_size"], bias=False)
        nn.init.normal_(self.lm_head.weight, std=0.02)
        nn.init.normal_(self.transformer.wpe.weight, std=0.02)
        self.transformer.wte.weight = self.lm_head.weight

    def forward(self, ids):
        t = self.transformer
        x = t.wte(ids) + t.wpe.weight[: ids.size(1)]
        for block in t.h:
            x = block(x)
        return F.linear(t.ln_f(x), self.lm_head.weight)
''',
    "generate_greedy": '''
def generate_greedy(model, prompt_ids, max_new_tokens):
    ids = torch.tensor(prompt_ids, dtype=torch.long).unsqueeze(0)
    with torch.inference_mode():
        while ids.shape[1] < len(prompt_ids) + max_new_tokens:
            next_id = model(ids)[:, -1, :].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, next_id], dim=1)
    return ids[0].tolist()
''',
    "train_tiny_gpt": '''
def train_tiny_gpt(text, steps, seed):
    torch.manual_seed(seed)
    vocab = {c: i for i, c in enumerate(sorted(set(text)))}
    data = torch.tensor([vocab[c] for c in text])
    model = TinyGPT(char_config(len(vocab)))
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    losses = []
    for step in range(steps):
        starts = torch.randint(len(data) - CONTEXT, (BATCH_SIZE,))
        windows = torch.stack([data[s:s + CONTEXT + 1] for s in starts.tolist()])
        logits = model(windows[:, :-1])
        loss = F.cross_entropy(logits.transpose(1, 2), windows[:, 1:])
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss))
    return model, losses
''',
    "memory_footprint": '''
BITS = {"fp32": 32, "fp16": 16, "bf16": 16, "int8": 8, "int4": 4}


def memory_footprint(n_params, dtype):
    try:
        bits = BITS[dtype]
    except KeyError:
        raise ValueError(f"dtype must be one of {sorted(BITS)}, not {dtype!r}") from None
    return -(-n_params * bits // 8)
''',
}
