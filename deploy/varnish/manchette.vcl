vcl 4.1;

# Varnish in front of `manchette serve` (docs/deploiement.md). It keeps what Manchette marks as shared by
# every reader (Cache-Control: public, s-maxage), filed under the keys of what each page shows, and drops
# those copies the moment Manchette purges their keys (VARNISH_PURGE_URLS): a correction shows at once.
# The live stream and everything personal (a session, the newsroom, accounts, forms) go through untouched.
# Needs the xkey vmod (Debian: varnish-modules).

import xkey;

backend manchette {
    # `manchette serve`: the container image's build replaces this host (deploy/varnish/Containerfile).
    .host = "127.0.0.1";
    .port = "8000";
    # Longer than the live stream's heartbeat (LIVE_HEARTBEAT_SECONDS, 15 s).
    .between_bytes_timeout = 60s;
}

# Who may purge: the machines that run `manchette serve` and `manchette worker`. Whatever reaches the
# listen address named `purge` (varnishd -a purge=…, reachable from them alone) may purge too.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (local.socket != "purge" && client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge == "*") {
            # Manchette could not name what changed (a site's settings): nothing kept is trusted any more.
            ban("obj.status != 0");
            return (synth(200, "Banned"));
        }
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
            return (synth(200, "Purged " + req.http.n-gone));
        }
        # A purge by URL (Wagtail's, VARNISH_URL).
        return (purge);
    }
    if (local.socket == "purge") {
        return (synth(404, "Not Found"));
    }
    # Absolute URLs follow the scheme the reader came by: a TLS terminator in front says https.
    if (!req.http.X-Forwarded-Proto) {
        set req.http.X-Forwarded-Proto = "http";
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/direct/") {
        # The live stream: passed, and sent as it comes. A reader keeps it open for hours; the page reconnects
        # where it left off should it be cut anyway.
        set sess.send_timeout = 1d;
        return (pass);
    }
    # The newsroom, accounts, private documents, the API, the edge's own blocks. (The token of shared forms,
    # /_jeton/, is looked up like any page: it comes private and with its cookie, so it is never kept.)
    if (req.url ~ "^/(admin|django-admin|compte|documents|api|_fragments)(/|\?|$)") {
        return (pass);
    }
    # Someone logged in (the session, the reader's name, staff) or with messages waiting: their own answer.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;\s*)(sessionid|manchette_lecteur|manchette_equipe|messages)=") {
        return (pass);
    }
    # Any other cookie (csrftoken) changes no shared page, and still reaches Manchette on a miss.
    return (hash);
}

sub vcl_hash {
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Kept only when Manchette says every reader may share it; never an answer that sets a cookie.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-cache|no-store)"
        || beresp.http.Cache-Control !~ "(?i)(public|s-maxage)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The keys of what the page shows (EDGE_KEYS_HEADER, Surrogate-Key by default), for xkey.
    if (beresp.http.Surrogate-Key && !beresp.http.xkey) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # A shared page is the same whatever the cookies (Manchette shares no other): one copy for all readers.
    if (beresp.http.Vary ~ "(?i)\bcookie\b") {
        set beresp.http.Vary = regsuball(beresp.http.Vary, "(?i)\s*\bcookie\b\s*,?", "");
        set beresp.http.Vary = regsub(beresp.http.Vary, ",\s*$", "");
        if (beresp.http.Vary == "") {
            unset beresp.http.Vary;
        }
    }
    # An expired page (nothing it shows changed, or it would have been purged) is still served while a
    # fresh copy is fetched.
    set beresp.grace = 30s;
    return (deliver);
}

sub vcl_deliver {
    # The keys are for Varnish alone.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        # Manchette's own X-Cache said what it did when Varnish fetched the page, not now.
        set resp.http.X-Cache = "HIT (varnish)";
    }
}
