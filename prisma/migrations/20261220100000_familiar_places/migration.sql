-- Familiar devices and networks of a person, keyed by HMAC (no address stored): the
-- login form's lockouts count failures from familiar and unfamiliar places apart.

-- CreateTable
CREATE TABLE "FamiliarPlace" (
    "key" TEXT NOT NULL,
    "subjectKey" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FamiliarPlace_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "FamiliarPlace_subjectKey_idx" ON "FamiliarPlace"("subjectKey");

-- CreateIndex
CREATE INDEX "FamiliarPlace_expiresAt_idx" ON "FamiliarPlace"("expiresAt");
