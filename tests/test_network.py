import pytest
import torch
from torch.nn import functional as F

from sklearn_charcnn.network import (
    CONV_LAYERS,
    SIZES,
    CharCNNModule,
    OneHotConv1d,
    conv_output_length,
    init_weights,
    min_input_length,
)


@pytest.mark.parametrize(
    "length, expected",
    [
        # Paper, section 2.3: l6 = (l0 - 96) / 27 for l0 = 1014.
        (1014, 34),
        # By hand: 256 -6-> 250 /3-> 83 -6-> 77 /3-> 25 -8-> 17 /3-> 5.
        (256, 5),
        # 123 -6-> 117 /3-> 39 -6-> 33 /3-> 11 -8-> 3 /3-> 1.
        (123, 1),
        # 122 -6-> 116 /3-> 38 -6-> 32 /3-> 10 -8-> 2 /3-> 0.
        (122, 0),
    ],
)
def test_conv_output_length_by_hand(length, expected):
    assert conv_output_length(length) == expected


def test_min_input_length_is_the_first_length_with_an_output():
    assert min_input_length() == 123
    assert conv_output_length(min_input_length()) == 1
    assert conv_output_length(min_input_length() - 1) < 1


def test_layer_table_is_the_papers():
    assert [kernel for kernel, _ in CONV_LAYERS] == [7, 7, 3, 3, 3, 3]
    assert [pool for _, pool in CONV_LAYERS] == [3, 3, None, None, None, 3]
    assert SIZES["small"]["n_filters"] == 256 and SIZES["small"]["fc_width"] == 1024
    assert SIZES["large"]["n_filters"] == 1024 and SIZES["large"]["fc_width"] == 2048


@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("length", [123, 256, 1014])
def test_module_shapes_for_both_presets(size, length):
    preset = SIZES[size]
    with torch.device("meta"):  # shapes only: no memory, no compute
        net = CharCNNModule(
            n_codes=70,
            input_length=length,
            n_classes=4,
            n_filters=preset["n_filters"],
            fc_width=preset["fc_width"],
        )
        out = net(torch.zeros(3, length, dtype=torch.uint8, device="meta"))
    assert out.shape == (3, 4)
    assert net.fc_input == preset["n_filters"] * conv_output_length(length)
    assert net.classifier[0].in_features == net.fc_input
    assert net.classifier[0].out_features == preset["fc_width"]
    assert net.convs[0].weight.shape == (preset["n_filters"], 70, 7)


def test_small_module_runs_on_real_tensors():
    net = CharCNNModule(n_codes=70, input_length=130, n_classes=5, n_filters=4)
    out = net(torch.randint(0, 70, (2, 130), dtype=torch.uint8))
    assert out.shape == (2, 5)
    assert out.dtype == torch.float32


def _paper_forward(net, codes):
    """The paper's network written out: one-hot input, conv, ReLU, pool."""
    one_hot = F.one_hot(codes.long(), net.n_codes).to(net.convs[0].weight.dtype)
    one_hot[..., 0] = 0  # code 0 is the all-zero vector
    x = one_hot.transpose(1, 2)
    for index, (conv, (_kernel, pool)) in enumerate(
        zip(net.convs, CONV_LAYERS, strict=True)
    ):
        x = F.conv1d(x, conv.weight, conv.bias)
        if net.norms is not None:
            x = net.norms[index](x)
        x = F.relu(x)
        if pool:
            x = F.max_pool1d(x, pool)
    x = x.flatten(1)
    linears = [m for m in net.classifier if isinstance(m, torch.nn.Linear)]
    for linear in linears[:-1]:
        x = F.relu(linear(x))
    return linears[-1](x)


@pytest.mark.parametrize("length", [123, 256])
def test_forward_is_the_papers_network(length):
    torch.manual_seed(0)
    net = CharCNNModule(70, length, 3, n_filters=8, fc_width=16).eval()
    codes = torch.randint(0, 70, (4, length), dtype=torch.uint8)
    codes[0, -30:] = 0  # padding
    with torch.no_grad():
        torch.testing.assert_close(
            net(codes), _paper_forward(net, codes), rtol=1e-4, atol=1e-5
        )


@pytest.mark.parametrize("batch_norm", [False, True])
def test_training_step_is_the_papers_network(batch_norm):
    """Outputs, every gradient and the running statistics, in float64."""
    import copy

    torch.manual_seed(0)
    net = CharCNNModule(
        40, 150, 3, n_filters=8, fc_width=16, dropout=0.0, batch_norm=batch_norm
    ).double()
    reference = copy.deepcopy(net)
    codes = torch.randint(0, 40, (20, 150), dtype=torch.uint8)
    codes[1, -60:] = 0
    upstream = torch.randn(20, 3, dtype=torch.float64)
    out = net.train()(codes)
    expected = _paper_forward(reference.train(), codes)
    torch.testing.assert_close(out, expected)
    (out * upstream).sum().backward()
    (expected * upstream).sum().backward()
    for (name, param), ref in zip(
        net.named_parameters(), reference.parameters(), strict=True
    ):
        # Convolution biases before a batch norm have a zero gradient.
        atol = 1e-10 if batch_norm and name.startswith("convs.") else None
        torch.testing.assert_close(param.grad, ref.grad, atol=atol, rtol=atol)
    for (name, buffer), ref in zip(
        net.named_buffers(), reference.buffers(), strict=True
    ):
        torch.testing.assert_close(buffer, ref, msg=name)
    assert not net.convs[0].weight.grad[:, 0, :].any()


@pytest.mark.parametrize("length", [1, 60, 122])
def test_short_input_length_builds_the_minimum_network(length):
    net = CharCNNModule(n_codes=70, input_length=length, n_classes=2, n_filters=4)
    assert net.input_length == min_input_length()
    assert net.fc_input == 4 * 1


def test_short_rows_are_padded_with_code_zero_at_the_end():
    torch.manual_seed(0)
    net = CharCNNModule(70, 50, 3, n_filters=4, fc_width=8).eval()
    codes = torch.randint(1, 70, (3, 50), dtype=torch.uint8)
    padded = torch.zeros(3, 123, dtype=torch.uint8)
    padded[:, :50] = codes
    with torch.no_grad():
        out = net(codes)
        assert torch.equal(out, net(padded))
        # Not the same as padding at the start.
        assert not torch.allclose(out, net(padded.roll(73, dims=1)))


def test_rows_shorter_than_a_long_network_are_padded_too():
    torch.manual_seed(0)
    net = CharCNNModule(70, 256, 2, n_filters=4, fc_width=8).eval()
    codes = torch.randint(1, 70, (2, 200))
    with torch.no_grad():
        assert torch.equal(net(codes), net(F.pad(codes, (0, 56))))


def test_too_long_rows_raise_a_neutral_error():
    net = CharCNNModule(70, 130, 2, n_filters=4, fc_width=8)
    with pytest.raises(ValueError, match="rows of 131 character codes") as error:
        net(torch.zeros(2, 131, dtype=torch.uint8))
    assert "built for at most 130" in str(error.value)
    # The torch module gives no advice about the estimator's parameters.
    assert "max_length" not in str(error.value)
    assert "Quantizer" not in str(error.value)


def test_non_positive_input_length_is_refused():
    with pytest.raises(ValueError, match="positive"):
        CharCNNModule(n_codes=70, input_length=0, n_classes=2)


@pytest.mark.parametrize("n_codes", [5, 70, 256])
def test_first_layer_equals_conv1d_over_one_hot(n_codes):
    torch.manual_seed(0)
    layer = OneHotConv1d(n_codes, out_channels=6, kernel_size=7).double()
    codes = torch.randint(0, n_codes, (3, 40), dtype=torch.uint8)
    codes[0, :5] = 0  # padding at the start of a row
    codes[1, -9:] = 0  # and at its end
    weight = layer.weight.detach().clone().requires_grad_()
    bias = layer.bias.detach().clone().requires_grad_()
    # The paper's input: one-hot rows, code 0 as the all-zero vector.
    one_hot = F.one_hot(codes.long(), n_codes).double()
    one_hot[..., 0] = 0
    reference = F.conv1d(one_hot.transpose(1, 2), weight, bias)
    out = layer(codes)
    torch.testing.assert_close(out, reference)

    upstream = torch.randn_like(reference)
    (out * upstream).sum().backward()
    (reference * upstream).sum().backward()
    torch.testing.assert_close(layer.weight.grad, weight.grad)
    torch.testing.assert_close(layer.bias.grad, bias.grad)
    # Code 0 contributes nothing, so its weights get no gradient.
    assert not layer.weight.grad[:, 0, :].any()


def test_first_layer_by_hand():
    layer = OneHotConv1d(n_codes=3, out_channels=1, kernel_size=2)
    with torch.no_grad():
        # weight[0, c, k]: code 1 -> 10 at offset 0, 100 at offset 1;
        # code 2 -> 20 and 200; code 0 (column 0) must be ignored.
        layer.weight.copy_(torch.tensor([[[7.0, 7.0], [10.0, 100.0], [20.0, 200.0]]]))
        layer.bias.fill_(1.0)
    out = layer(torch.tensor([[1, 2, 0, 1]]))
    # windows (1,2) (2,0) (0,1): 10+200+1, 20+0+1, 0+100+1
    assert out.tolist() == [[[211.0, 21.0, 101.0]]]


def test_paper_init_draws_from_the_gaussian():
    torch.manual_seed(0)
    net = CharCNNModule(n_codes=70, input_length=123, n_classes=2, n_filters=64)
    init_weights(net, "paper", std=0.05)
    weight = net.convs[1].weight
    assert abs(weight.std().item() - 0.05) < 0.002
    assert abs(weight.mean().item()) < 0.002
    assert not net.classifier[0].bias.any()


def test_default_init_keeps_torch_defaults_but_a_small_output_layer():
    torch.manual_seed(0)
    net = CharCNNModule(n_codes=70, input_length=123, n_classes=2, n_filters=256)
    before = net.convs[1].weight.detach().clone()
    init_weights(net, "default")
    assert torch.equal(net.convs[1].weight, before)
    # nn.Conv1d default: uniform(+-1/sqrt(fan_in)), std 1/sqrt(3 * 256 * 7) = 0.01364.
    assert abs(net.convs[1].weight.std().item() - 0.01364) < 0.0003
    assert abs(net.classifier[-1].weight.std().item() - 0.01) < 0.002
    assert not net.classifier[-1].bias.any()


def test_unknown_init_scheme():
    net = CharCNNModule(n_codes=5, input_length=123, n_classes=2, n_filters=2)
    with pytest.raises(ValueError, match="Unknown init scheme"):
        init_weights(net, "kaiming")


def _train_norms(net, codes, steps=3):
    """Move the running statistics and affine parameters off their start."""
    net.train()
    with torch.no_grad():
        for _ in range(steps):
            net(codes)
        for norm in net.norms:
            norm.weight.uniform_(0.5, 2.0)
            norm.bias.uniform_(-0.5, 0.5)
    return net.eval()


def test_batch_norm_sits_between_every_convolution_and_its_relu():
    net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8, batch_norm=True)
    assert [n.num_features for n in net.norms] == [4] * 6
    plain = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    assert plain.norms is None
    assert "norms.0.running_mean" in net.state_dict()


def test_fold_batch_norm_keeps_the_outputs_and_leaves_the_paper_network():
    torch.manual_seed(0)
    net = CharCNNModule(70, 256, 3, n_filters=16, fc_width=32, batch_norm=True)
    codes = torch.randint(0, 70, (8, 256))
    _train_norms(net, codes)
    before = net(codes)
    net.fold_batch_norm()
    assert net.norms is None
    plain_keys = CharCNNModule(70, 256, 3, n_filters=16, fc_width=32).state_dict()
    assert net.state_dict().keys() == plain_keys.keys()
    torch.testing.assert_close(net(codes), before, rtol=1e-4, atol=1e-5)


def test_fold_batch_norm_without_norms_changes_nothing():
    torch.manual_seed(0)
    net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    net.fold_batch_norm()
    for key, value in net.state_dict().items():
        assert torch.equal(value, before[key])


# ----------------------------------------------------------- local generators


def _seeded(seed):
    return torch.Generator().manual_seed(seed)


def _states_equal(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("scheme", ["default", "paper"])
def test_init_from_a_generator_is_reproducible_and_leaves_the_global_rng(scheme):
    torch.manual_seed(1)
    first = CharCNNModule(70, 123, 3, n_filters=8, fc_width=16, batch_norm=True)
    torch.manual_seed(2)
    second = CharCNNModule(70, 123, 3, n_filters=8, fc_width=16, batch_norm=True)
    assert not _states_equal(first.state_dict(), second.state_dict())
    with torch.no_grad():  # a used norm: init must reset it as well
        first.norms[2].weight.fill_(3.0)
        first.norms[2].running_mean.fill_(1.0)
    global_state = torch.random.get_rng_state()
    init_weights(first, scheme, generator=_seeded(0))
    init_weights(second, scheme, generator=_seeded(0))
    assert torch.equal(torch.random.get_rng_state(), global_state)
    assert _states_equal(first.state_dict(), second.state_dict())
    assert torch.equal(first.norms[2].weight, torch.ones(8))
    assert not first.norms[2].running_mean.any()
    init_weights(second, scheme, generator=_seeded(1))
    assert not torch.equal(first.convs[1].weight, second.convs[1].weight)


def test_default_init_from_a_generator_has_torchs_distributions():
    net = CharCNNModule(70, 123, 2, n_filters=128, fc_width=256)
    init_weights(net, "default", generator=_seeded(0))
    # Conv1d/Linear default: weight and bias uniform(+-1/sqrt(fan_in)).
    for layer, fan_in in [
        (net.convs[0], 70 * 7),  # a conv over 70 one-hot channels
        (net.convs[1], 128 * 7),
        (net.convs[3], 128 * 3),
        (net.classifier[3], 256),
    ]:
        bound = fan_in**-0.5
        weight = layer.weight.detach()
        assert weight.abs().max() <= bound
        assert abs(weight.std().item() - bound / 3**0.5) < 0.05 * bound
        assert layer.bias.abs().max() <= bound and layer.bias.any()
    assert abs(net.classifier[-1].weight.std().item() - 0.01) < 0.002
    assert not net.classifier[-1].bias.any()


def test_paper_init_from_a_generator_draws_from_the_gaussian():
    net = CharCNNModule(70, 123, 2, n_filters=64)
    init_weights(net, "paper", std=0.02, generator=_seeded(0))
    assert abs(net.convs[1].weight.std().item() - 0.02) < 0.001
    assert not net.convs[1].bias.any()


def test_a_network_built_on_meta_and_initialised_from_a_generator():
    """No global random number is drawn at any step of the build."""
    global_state = torch.random.get_rng_state()
    with torch.device("meta"):
        net = CharCNNModule(70, 130, 2, n_filters=4, fc_width=8, batch_norm=True)
    net = init_weights(net.to_empty(device="cpu"), generator=_seeded(0))
    assert torch.equal(torch.random.get_rng_state(), global_state)
    reference = CharCNNModule(70, 130, 2, n_filters=4, fc_width=8, batch_norm=True)
    init_weights(reference, generator=_seeded(0))
    assert _states_equal(net.state_dict(), reference.state_dict())
    codes = torch.randint(0, 70, (2, 130))
    torch.testing.assert_close(net.eval()(codes), reference.eval()(codes))


def test_init_refuses_what_is_not_a_cpu_generator():
    net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    with pytest.raises(ValueError, match="CPU torch.Generator"):
        init_weights(net, generator=0)


def test_dropout_from_a_generator_is_reproducible_and_leaves_the_global_rng():
    torch.manual_seed(0)
    net = CharCNNModule(70, 123, 3, n_filters=4, fc_width=64).train()
    codes = torch.randint(0, 70, (8, 123))
    global_state = torch.random.get_rng_state()
    net.generator = _seeded(5)
    first = net(codes)
    net.generator = _seeded(5)
    second = net(codes)
    assert torch.equal(torch.random.get_rng_state(), global_state)
    assert torch.equal(first, second)
    net.generator = _seeded(6)
    assert not torch.equal(first, net(codes))
    # Evaluation mode: no dropout, and nothing drawn.
    net.eval()
    state = net.generator.get_state()
    with torch.no_grad():
        evaluated = net(codes)
    assert torch.equal(net.generator.get_state(), state)
    net.generator = None
    with torch.no_grad():
        assert torch.equal(evaluated, net(codes))


def test_dropout_from_a_generator_has_nn_dropouts_semantics():
    net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=4000, dropout=0.3)
    net.generator = _seeded(0)
    # Record the input and output of the second linear layer, which sees
    # the first dropout's output.
    seen = {}
    net.classifier[1].register_forward_hook(lambda m, i, o: seen.update(relu=o))
    net.classifier[3].register_forward_hook(lambda m, i, o: seen.update(drop=i[0]))
    net.train()(torch.randint(1, 70, (2, 123)))
    relu, dropped = seen["relu"], seen["drop"]
    alive = relu != 0
    kept = dropped[alive] != 0
    # Kept units are scaled by 1 / (1 - p); about p of them are zeroed.
    torch.testing.assert_close(dropped[alive][kept], relu[alive][kept] / 0.7)
    assert abs(1 - kept.float().mean().item() - 0.3) < 0.03


def test_the_generator_is_neither_pickled_nor_in_the_state_dict():
    import copy
    import pickle

    net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    net.generator = _seeded(0)
    assert all("generator" not in key for key in net.state_dict())
    for restored in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net)):
        assert restored.generator is None
        assert _states_equal(restored.state_dict(), net.state_dict())
    assert net.generator is not None  # the fitting network keeps its own


# ---------------------------------------------------------------- checkpoints


def _trained_with_norms():
    """A small network trained a few real steps with batch normalisation."""
    torch.manual_seed(0)
    net = CharCNNModule(70, 130, 3, n_filters=8, fc_width=16, batch_norm=True)
    optimizer = torch.optim.AdamW(net.parameters(), lr=1e-2)
    codes = torch.randint(0, 70, (16, 130))
    labels = torch.randint(0, 3, (16,))
    net.train()
    for _ in range(4):
        optimizer.zero_grad()
        F.cross_entropy(net(codes), labels).backward()
        optimizer.step()
    return net.eval(), codes


def test_a_checkpoint_with_norms_loads_folded_into_a_plain_network():
    trained, codes = _trained_with_norms()
    checkpoint = {k: v.clone() for k, v in trained.state_dict().items()}
    assert any(key.startswith("norms.") for key in checkpoint)
    fresh = CharCNNModule(70, 130, 3, n_filters=8, fc_width=16, batch_norm=False)
    fresh.load_state_dict(checkpoint)
    assert fresh.norms is None
    with torch.no_grad():
        folded = trained.fold_batch_norm()(codes)
        torch.testing.assert_close(fresh.eval()(codes), folded, rtol=0, atol=1e-5)


def test_a_checkpoint_with_norms_loads_as_is_into_a_network_with_norms():
    trained, codes = _trained_with_norms()
    fresh = CharCNNModule(70, 130, 3, n_filters=8, fc_width=16, batch_norm=True)
    fresh.load_state_dict(trained.state_dict())
    assert fresh.norms is not None
    with torch.no_grad():
        assert torch.equal(fresh.eval()(codes), trained(codes))


@pytest.mark.parametrize("batch_norm", [False, True])
def test_unknown_keys_raise_and_load_nothing(batch_norm):
    net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8, batch_norm=batch_norm)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    state = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8).state_dict()
    state["extra.weight"] = torch.zeros(1)
    with pytest.raises(RuntimeError, match=r"unexpected keys \['extra.weight'\]"):
        net.load_state_dict(state)
    assert _states_equal(net.state_dict(), before)
    assert (net.norms is None) == (not batch_norm)


def test_missing_keys_raise_and_name_them():
    net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    state = net.state_dict()
    del state["classifier.6.bias"]
    with pytest.raises(RuntimeError, match=r"missing keys \['classifier.6.bias'\]"):
        net.load_state_dict(state)


def test_a_folded_state_dict_in_a_network_with_norms_says_so():
    plain = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    with_norms = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8, batch_norm=True)
    with pytest.raises(RuntimeError, match="build this one with batch_norm=False"):
        with_norms.load_state_dict(plain.state_dict())


def test_wrong_shapes_raise_before_anything_is_copied():
    net = CharCNNModule(70, 123, 2, n_filters=4, fc_width=8)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    other = CharCNNModule(70, 123, 3, n_filters=4, fc_width=8).state_dict()
    with pytest.raises(RuntimeError, match=r"classifier.6.weight \(3, 8\)"):
        net.load_state_dict(other)
    assert _states_equal(net.state_dict(), before)


def test_predictions_do_not_depend_on_the_autograd_mode():
    """Pooling differs with and without a gradient; the values may not."""
    torch.manual_seed(0)
    net = CharCNNModule(70, 200, 3, n_filters=8, fc_width=16).eval()
    codes = torch.randint(0, 70, (4, 200), dtype=torch.uint8)
    with_grad = net(codes)
    with torch.inference_mode():
        torch.testing.assert_close(net(codes), with_grad.detach())


def test_cpu_autocast_takes_the_channels_first_path():
    torch.manual_seed(0)
    net = CharCNNModule(70, 130, 3, n_filters=8, fc_width=16).eval()
    codes = torch.randint(0, 70, (2, 130), dtype=torch.uint8)
    with torch.no_grad():
        expected = net(codes)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            out = net(codes)
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out.float(), expected, rtol=0.05, atol=0.05)
