-- Pseudonymous risk records, erasure and retention (docs/privacy.md). The rows already
-- stored are rekeyed by the application at start-up (src/privacy/pseudonymise.ts): SQL
-- cannot compute an HMAC under a deployment secret it does not hold.

-- DropIndex
DROP INDEX "RiskEvent_subject_at_idx";

-- AlterTable
ALTER TABLE "SubjectKey" ADD COLUMN     "dropAfter" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lastSignInAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "RiskEvent" ADD COLUMN     "subjectKey" TEXT;

-- CreateTable
CREATE TABLE "PrivacyAudit" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "subjectKey" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "PrivacyAudit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataMigration" (
    "name" TEXT NOT NULL,
    "firstRun" TIMESTAMP(3) NOT NULL,
    "lastRun" TIMESTAMP(3) NOT NULL,
    "rows" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DataMigration_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "PrivacyAudit_subjectKey_idx" ON "PrivacyAudit"("subjectKey");

-- CreateIndex
CREATE INDEX "PrivacyAudit_at_idx" ON "PrivacyAudit"("at");

-- CreateIndex
CREATE INDEX "SubjectKey_dropAfter_idx" ON "SubjectKey"("dropAfter");

-- CreateIndex
CREATE INDEX "User_lastSignInAt_idx" ON "User"("lastSignInAt");

-- CreateIndex
CREATE INDEX "RiskEvent_subject_idx" ON "RiskEvent"("subject");

-- CreateIndex
CREATE INDEX "RiskEvent_subjectKey_at_idx" ON "RiskEvent"("subjectKey", "at");

