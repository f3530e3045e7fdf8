"""The judge that runs inside the sandbox (a container, or bubblewrap on the host).

protocol  -- wire formats: JSON lines to the host, nonce-framed messages from each child
guards    -- confinement of the server and of each judged child
integrity -- snapshots and audit hook that keep judged code from faking a pass
child     -- what runs in the judged child: unittest, check and syntax judgments
reset     -- killing leftovers and emptying the scratch after each judgment
server    -- the fork server loop and request handlers
"""
