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


def test_too_short_input_names_the_minimum():
    with pytest.raises(ValueError, match="minimum length is 123"):
        CharCNNModule(n_codes=70, input_length=122, n_classes=2)


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
