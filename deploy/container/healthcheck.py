"""The container's HEALTHCHECK: `manchette serve` answers /sante/ on its port, asked for by the site's host name
(ALLOWED_HOSTS refuses any other). Exit status 0 when it does, 1 otherwise."""

import os
import sys
import urllib.parse
import urllib.request

site = urllib.parse.urlsplit(os.environ.get("SITE_URL", "http://127.0.0.1"))
request = urllib.request.Request(f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/sante/", headers={"Host": site.netloc})
try:
    with urllib.request.urlopen(request, timeout=2) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"/sante/ : {error}", file=sys.stderr)
    sys.exit(1)
