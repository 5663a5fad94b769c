-- AlterTable
ALTER TABLE "FollowUp" ADD COLUMN "linkHolderKey" TEXT;

