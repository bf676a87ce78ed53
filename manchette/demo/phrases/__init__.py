"""Hand-written phrase banks, one module per top-level section."""

from . import belgique, culture, economie, monde, opinions, sciences, societe, sports

BANKS = {
    module.__name__.rsplit(".", 1)[-1]: module.BANK
    for module in (belgique, monde, economie, sports, culture, sciences, societe, opinions)
}
