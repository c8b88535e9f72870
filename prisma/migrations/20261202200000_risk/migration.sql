-- CreateTable
CREATE TABLE "RiskEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "subject" TEXT,
    "clientId" TEXT,
    "ipHash" TEXT,
    "ipCoarse" TEXT,
    "country" TEXT,
    "score" INTEGER NOT NULL DEFAULT 0,
    "decision" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "RiskEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RiskLockout" (
    "key" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RiskLockout_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "RiskStepUp" (
    "subject" TEXT NOT NULL,
    "acr" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RiskStepUp_pkey" PRIMARY KEY ("subject")
);

-- CreateIndex
CREATE INDEX "RiskEvent_subject_at_idx" ON "RiskEvent"("subject", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_kind_name_at_idx" ON "RiskEvent"("kind", "name", "at");

-- CreateIndex
CREATE INDEX "RiskEvent_at_idx" ON "RiskEvent"("at");
