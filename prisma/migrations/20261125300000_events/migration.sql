-- CreateTable
CREATE TABLE "EventReceiver" (
    "id" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "delivery" TEXT NOT NULL,
    "endpointUrl" TEXT,
    "events" TEXT[],
    "subjectFormat" TEXT NOT NULL DEFAULT 'opaque',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EventReceiver_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SecurityEvent" (
    "jti" TEXT NOT NULL,
    "receiverId" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "giveUpAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SecurityEvent_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "JobState" (
    "name" TEXT NOT NULL,
    "state" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobState_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "EventReceiver_clientId_idx" ON "EventReceiver"("clientId");

-- CreateIndex
CREATE INDEX "SecurityEvent_receiverId_status_idx" ON "SecurityEvent"("receiverId", "status");

-- CreateIndex
CREATE INDEX "SecurityEvent_status_createdAt_idx" ON "SecurityEvent"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SecurityEvent_receiverId_eventKey_key" ON "SecurityEvent"("receiverId", "eventKey");

