-- Consent a person can read: a resource server's display name and a description per scope.

-- AlterTable
ALTER TABLE "ResourceServer" ADD COLUMN     "name" TEXT,
ADD COLUMN     "scopeDescriptions" JSONB NOT NULL DEFAULT '{}';
