"""Start the ArtStudio web app: `python app.py [--host H] [--port P] [--share] [--auth USER:PASS]`."""
from artstudio.server import main

if __name__ == "__main__":
    main()
