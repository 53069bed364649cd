package org.attention4j.kernel;

import java.util.ArrayDeque;

/**
 * Workspaces shared by all threads of one engine: a participant in a call borrows one and gives it
 * back. The pool grows to the largest number of simultaneous participants and then allocates nothing.
 */
public final class WorkspacePool {
    private final ArrayDeque<Workspace> free = new ArrayDeque<>();
    private int created;

    public synchronized Workspace acquire() {
        Workspace ws = free.pollFirst();
        if (ws == null) {
            ws = new Workspace();
            created++;
        }
        return ws;
    }

    public synchronized void release(Workspace ws) {
        free.addFirst(ws);
    }

    /** Bytes held by all workspaces created so far (free or in use). */
    public synchronized long bytesHeld() {
        long bytes = 0;
        for (Workspace ws : free) {
            bytes += ws.bytes();
        }
        return bytes;
    }

    public synchronized int created() {
        return created;
    }
}
