-- The account page's list of signed-in browsers: browser family, country, last use.

-- CreateTable
CREATE TABLE "SessionDevice" (
    "sessionUid" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "browser" TEXT NOT NULL,
    "country" TEXT,
    "lastUsedAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SessionDevice_pkey" PRIMARY KEY ("sessionUid")
);

-- CreateIndex
CREATE INDEX "SessionDevice_userId_idx" ON "SessionDevice"("userId");

-- CreateIndex
CREATE INDEX "SessionDevice_expiresAt_idx" ON "SessionDevice"("expiresAt");
