"""``python -m minsheng.i18n check|update``: see ``minsheng.i18n``."""

import sys

from minsheng.i18n.catalogs import main

sys.exit(main())
