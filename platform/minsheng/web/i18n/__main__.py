"""``python -m minsheng.web.i18n check|update``: see ``minsheng.web.i18n``."""

import sys

from minsheng.web.i18n.catalogs import main

sys.exit(main())
