from obnotify.core.node_colours import PALETTE, colour_for


def test_neighbouring_nodes_differ_and_the_palette_repeats() -> None:
    colours = [colour_for(i) for i in range(len(PALETTE))]
    assert len(set(colours)) == len(PALETTE)
    assert colour_for(len(PALETTE)) == colour_for(0)
