import sys

from artstudio.cli import main

sys.exit(main())
