-- The admin audit trail: every change made through the admin API or the admin CLI.
-- Field names only, never values; the caller's address as a keyed hash and its network.

-- CreateTable
CREATE TABLE "AdminAudit" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "fields" JSONB NOT NULL DEFAULT '[]',
    "ipHash" TEXT,
    "ipCoarse" TEXT,

    CONSTRAINT "AdminAudit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AdminAudit_at_idx" ON "AdminAudit"("at");

-- CreateIndex
CREATE INDEX "AdminAudit_target_idx" ON "AdminAudit"("target");
